import Foundation
import Testing

@testable import SlipwayCore

/// How accepted outputs find the files a worker collected for them.
@Suite("Execution outputs: collected files")
struct ExecutionOutputFilesTests {
    @Test func collectedFileAcceptsOnlyRegularFilesOfTheOutputsFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-collected-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let outputs = root.appendingPathComponent("runs/e1/outputs")
        try FileManager.default.createDirectory(at: outputs.appendingPathComponent("0/sub"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: outputs.appendingPathComponent("0/a.txt"))
        try Data("x".utf8).write(to: root.appendingPathComponent("secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: outputs.appendingPathComponent("0/link.txt").path,
                                                   withDestinationPath: root.appendingPathComponent("secret.txt").path)
        #expect(ExecutionRunner.collectedFile(outputs.appendingPathComponent("0/a.txt").path, in: outputs) != nil)
        for path in [outputs.appendingPathComponent("0/link.txt").path, outputs.appendingPathComponent("0/sub").path,
                     outputs.appendingPathComponent("0/missing.txt").path, outputs.path + "/0/../../../../secret.txt",
                     root.appendingPathComponent("secret.txt").path, "0/a.txt", "a.txt"] {
            #expect(ExecutionRunner.collectedFile(path, in: outputs) == nil, "\(path)")
        }
        #expect(ExecutionRunner.shown("report.txt", folder: outputs) == "report.txt")
        #expect(ExecutionRunner.shown("/elsewhere/report.txt", folder: outputs) == "/elsewhere/report.txt")
        #expect(ExecutionRunner.shown(root.appendingPathComponent("code/x/report.txt").path, folder: outputs) == "report.txt")
    }
}
