import Foundation

/// Finds the `python/` folder holding the `slipway_worker` package.
public enum WorkerLocator {
    /// `SLIPWAY_WORKER_PATH`, else the source tree this binary was built from, else next to the
    /// executable, else the current directory.
    public static func pythonPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var candidates: [String] = []
        if let explicit = environment["SLIPWAY_WORKER_PATH"] { candidates.append(explicit) }
        let source = URL(fileURLWithPath: #filePath)  // Sources/SlipwayRuntime/Workers/WorkerLocator.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(source.appendingPathComponent("python").path)
        var executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(executable.appendingPathComponent("python").path)
            candidates.append(executable.appendingPathComponent("share/slipway/python").path)
            executable.deleteLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/python")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/slipway_worker/__main__.py") }
    }
}
