import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

@Suite("TarGzipExtractor on real archives")
struct TarGzipExtractorTests {
    /// A work folder with `archive.tar.gz` next to an empty `out/` destination.
    struct Workspace {
        let root: URL
        var archive: URL { root.appendingPathComponent("archive.tar.gz") }
        var out: URL { root.appendingPathComponent("out") }
        init() throws {
            root = try TestSupport.temporaryDirectory("tar")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        }
        func cleanUp() { try? FileManager.default.removeItem(at: root) }
    }

    func extract(_ workspace: Workspace, limits: ArchiveLimits = .default) throws -> [String] {
        try TarGzipExtractor(limits: limits).extract(archive: workspace.archive, into: workspace.out)
    }

    func expectArchiveError(_ workspace: Workspace, limits: ArchiveLimits = .default, exceedsLimit: Bool? = nil,
                            containing text: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let files = try extract(workspace, limits: limits)
            Issue.record("extraction succeeded with \(files)", sourceLocation: sourceLocation)
        } catch let error as ArchiveError {
            if let exceedsLimit {
                #expect(error.exceedsLimit == exceedsLimit, "\(error)", sourceLocation: sourceLocation)
            }
            if let text {
                #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected ArchiveError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func extractsTarCreatedArchive() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        let source = ws.root.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source.appendingPathComponent("pkg/sub"), withIntermediateDirectories: true)
        try Data("print('hi')\n".utf8).write(to: source.appendingPathComponent("main.py"))
        try Data("requests==2.0\n".utf8).write(to: source.appendingPathComponent("requirements.txt"))
        let big = Data((0..<600_000).map { UInt8($0 % 256) })
        try big.write(to: source.appendingPathComponent("pkg/sub/data.bin"))
        try Data("#!/bin/sh\n".utf8).write(to: source.appendingPathComponent("pkg/run.sh"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: source.appendingPathComponent("pkg/run.sh").path)
        #expect(try TestSupport.run("/bin/tar", ["-czf", ws.archive.path, "-C", source.path, "."]) == 0)

        let files = try extract(ws)
        #expect(files == ["main.py", "pkg/run.sh", "pkg/sub/data.bin", "requirements.txt"])
        #expect(try Data(contentsOf: ws.out.appendingPathComponent("main.py")) == Data("print('hi')\n".utf8))
        #expect(try Data(contentsOf: ws.out.appendingPathComponent("pkg/sub/data.bin")) == big)
        let mode = try FileManager.default.attributesOfItem(atPath: ws.out.appendingPathComponent("pkg/run.sh").path)[.posixPermissions] as? Int
        #expect(mode == 0o755)
    }

    @Test func extractsInternalSymlink() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        try TestSupport.pythonTarGz(at: ws.archive, entries: """
            [("a/real.txt", "file", "content"), ("a/link.txt", "symlink", "real.txt")]
            """)
        let files = try extract(ws)
        #expect(files == ["a/real.txt"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: ws.out.appendingPathComponent("a/link.txt").path) == "real.txt")
    }

    @Test func rejectsDotDotEntry() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        try TestSupport.pythonTarGz(at: ws.archive, entries: #"[("ok.py", "file", "x"), ("../evil.py", "file", "pwned")]"#)
        expectArchiveError(ws, exceedsLimit: false, containing: "..")
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("evil.py").path))
    }

    @Test func rejectsAbsolutePath() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        let target = "/tmp/slipway-abs-\(UUID().uuidString).txt"
        try TestSupport.pythonTarGz(at: ws.archive, entries: #"[("\#(target)", "file", "pwned")]"#)
        expectArchiveError(ws, exceedsLimit: false, containing: "absolute")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func rejectsEscapingSymlink() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        try TestSupport.pythonTarGz(at: ws.archive, entries: """
            [("link", "symlink", "../.."), ("link/escaped.txt", "file", "pwned")]
            """)
        expectArchiveError(ws, exceedsLimit: false)
        #expect(!FileManager.default.fileExists(atPath: ws.root.deletingLastPathComponent().appendingPathComponent("escaped.txt").path))

        let ws2 = try Workspace()
        defer { ws2.cleanUp() }
        try TestSupport.pythonTarGz(at: ws2.archive, entries: #"[("abs", "symlink", "/etc/passwd")]"#)
        expectArchiveError(ws2, exceedsLimit: false)
    }

    @Test func sizeLimitExceeded() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        try TestSupport.pythonTarGz(at: ws.archive, entries: #"[("a.bin", "file", 600), ("b.bin", "file", 600)]"#)
        expectArchiveError(ws, limits: ArchiveLimits(maxTotalBytes: 1000, maxEntries: 100), exceedsLimit: true)
        // The same archive fits a larger limit.
        let ws2 = try Workspace()
        defer { ws2.cleanUp() }
        try FileManager.default.copyItem(at: ws.archive, to: ws2.archive)
        #expect(try extract(ws2, limits: ArchiveLimits(maxTotalBytes: 1200, maxEntries: 100)) == ["a.bin", "b.bin"])
    }

    @Test func entryCountLimit() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        try TestSupport.pythonTarGz(at: ws.archive, entries: #"[(f"f{i}.txt", "file", "x") for i in range(6)]"#)
        expectArchiveError(ws, limits: ArchiveLimits(maxTotalBytes: 1000, maxEntries: 5), exceedsLimit: true)
    }

    @Test func rejectsNonGzipInput() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        try Data("this is not a gzip stream at all, just text\n".utf8).write(to: ws.archive)
        expectArchiveError(ws, exceedsLimit: false)

        // A plain (uncompressed) tar is not gzip either.
        let ws2 = try Workspace()
        defer { ws2.cleanUp() }
        try Data("x".utf8).write(to: ws2.root.appendingPathComponent("f.txt"))
        #expect(try TestSupport.run("/bin/tar", ["-cf", ws2.archive.path, "-C", ws2.root.path, "f.txt"]) == 0)
        expectArchiveError(ws2, exceedsLimit: false)
    }

    @Test func rejectsEmptyAndTruncatedInput() throws {
        let ws = try Workspace()
        defer { ws.cleanUp() }
        try Data().write(to: ws.archive)
        expectArchiveError(ws, containing: "empty")

        let ws2 = try Workspace()
        defer { ws2.cleanUp() }
        try TestSupport.pythonTarGz(at: ws2.archive, entries: #"[("a.bin", "file", 200000)]"#)
        let full = try Data(contentsOf: ws2.archive)
        try full.prefix(full.count / 2).write(to: ws2.archive)
        #expect(throws: (any Error).self) { _ = try extract(ws2) }
    }
}
