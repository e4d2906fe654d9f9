import Foundation
import Synchronization

@testable import SlipwayCore

/// A `CodeBundleStore` whose "archives" are JSON objects mapping file paths to their text (see
/// `makeArchive`), so tests describe step code without building tar files. Staged bundles and
/// installed code are real folders under a temporary root; every call is recorded.
final class FakeCodeBundleStore: CodeBundleStore, Sendable {
    let root: URL

    private struct State {
        var staged: [String: [String: String]] = [:]
        var installed: [String: String] = [:]
        var discarded: [String] = []
        var removed: [String] = []
    }

    private let state = Mutex(State())

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bundles-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes an archive holding `files` (path → text) to a new temporary file.
    func makeArchive(_ files: [String: String]) throws -> URL {
        let object = JSONValue.object(files.mapValues { .string($0) })
        let url = root.appendingPathComponent("archive-\(UUID().uuidString).json")
        try object.jsonData().write(to: url)
        return url
    }

    /// Staging ids discarded (validation failed after staging).
    var discarded: [String] { state.withLock { $0.discarded } }
    /// Step ids whose code was removed.
    var removed: [String] { state.withLock { $0.removed } }
    /// Step ids with installed code.
    var installedSteps: [String] { state.withLock { Array($0.installed.keys).sorted() } }
    /// Bundles staged and neither installed nor discarded.
    var openStagings: Int { state.withLock { $0.staged.count } }

    func stage(archive: URL) async throws -> StagedBundle {
        let data = try Data(contentsOf: archive)
        guard let object = try? JSONValue.parse(String(decoding: data, as: UTF8.self)).objectValue else {
            throw SlipwayError.badRequest("the code archive is not a valid archive")
        }
        var files: [String: String] = [:]
        for (path, value) in object {
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                throw SlipwayError.badRequest("the archive entry '\(path)' escapes the code folder")
            }
            files[path] = value.stringValue ?? ""
        }
        let id = UUID().uuidString.lowercased()
        state.withLock { $0.staged[id] = files }
        return StagedBundle(stagingID: id, files: files.keys.sorted())
    }

    /// ZIP archives are faked the same way as tar archives: a JSON object of path → text.
    func stage(zipArchive: URL) async throws -> StagedBundle {
        try await stage(archive: zipArchive)
    }

    func readText(_ bundle: StagedBundle, path: String, limit: Int) throws -> String? {
        state.withLock { $0.staged[bundle.stagingID]?[path].map { String($0.prefix(limit)) } }
    }

    /// Writes the staged files into the step's code folder.
    func install(_ bundle: StagedBundle, stepID: String) throws {
        try install(bundle, key: stepID, into: codeDirectory(stepID: stepID))
    }

    func install(_ bundle: StagedBundle, packageID: String) throws {
        try install(bundle, key: "package:" + packageID, into: codeDirectory(packageID: packageID))
    }

    private func install(_ bundle: StagedBundle, key: String, into folder: URL) throws {
        let files = state.withLock { state -> [String: String]? in
            let files = state.staged.removeValue(forKey: bundle.stagingID)
            if files != nil { state.installed[key] = bundle.stagingID }
            return files
        }
        guard let files else { throw SlipwayError.internal("bundle \(bundle.stagingID) is not staged") }
        for (path, text) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
    }

    func discard(_ bundle: StagedBundle) {
        state.withLock { state in
            state.staged[bundle.stagingID] = nil
            state.discarded.append(bundle.stagingID)
        }
    }

    func codeDirectory(stepID: String) -> URL {
        root.appendingPathComponent("code").appendingPathComponent(stepID)
    }

    func remove(stepID: String) {
        state.withLock { state in
            state.installed[stepID] = nil
            state.removed.append(stepID)
        }
        try? FileManager.default.removeItem(at: codeDirectory(stepID: stepID))
    }

    func codeDirectory(packageID: String) -> URL {
        root.appendingPathComponent("packages").appendingPathComponent(packageID)
    }

    func remove(packageID: String) {
        state.withLock { state in
            state.installed["package:" + packageID] = nil
            state.removed.append("package:" + packageID)
        }
        try? FileManager.default.removeItem(at: codeDirectory(packageID: packageID))
    }
}
