import Foundation
import Subprocess
import SystemPackage

/// Runs a command to completion, streaming its merged output line by line.
enum ToolRunner {
    struct Result {
        var exitCode: Int32?
        var output: [String]
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    workingDirectory: String? = nil, line: (@Sendable (String) -> Void)? = nil) async throws -> Result {
        var env: Environment = .inherit
        if let environment {
            env = .custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
        }
        let collected = LineCollector()
        let outcome = try await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments), environment: env,
            workingDirectory: workingDirectory.map { FilePath($0) }, input: .none, output: .sequence, error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await text in execution.standardOutput.strings() {
                        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
                        collected.append(trimmed)
                        line?(trimmed)
                    }
                }
                group.addTask {
                    for try await text in execution.standardError.strings() {
                        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
                        collected.append(trimmed)
                        line?(trimmed)
                    }
                }
                try await group.waitForAll()
            }
        }
        var code: Int32?
        if case .exited(let value) = outcome.terminationStatus { code = value }
        return Result(exitCode: code, output: collected.lines)
    }
}

/// Thread-safe line accumulator (keeps the last 500 lines).
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ line: String) {
        lock.lock()
        storage.append(line)
        if storage.count > 500 { storage.removeFirst(storage.count - 500) }
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
