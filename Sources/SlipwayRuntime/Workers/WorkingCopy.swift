import Foundation

/// The folders a worker process runs in: a writable copy of the step's stored code (its working
/// directory and `--code-dir`), so that user code writing next to its files — relative paths,
/// `__file__`-relative paths — never changes what was uploaded; and bytecode caching that does
/// not outlive the copy.
struct WorkingCopy: Sendable {
    /// Root of the transient folders (`<data-dir>/runs`).
    let runsRoot: URL

    /// `PYTHONPYCACHEPREFIX`: bytecode of every worker, kept out of the code folders.
    var pycacheRoot: URL { runsRoot.deletingLastPathComponent().appendingPathComponent("pycache") }

    /// Replaces `destination` with a copy of `code`.
    func make(of code: URL, at destination: URL) throws {
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: destination)
        try fileManager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fileManager.copyItem(at: code, to: destination)
    }

    /// Removes `folder` (under `runsRoot`) and the bytecode Python cached for files in it: the
    /// cache mirrors absolute source paths, and each copy has paths of its own.
    func remove(_ folder: URL) {
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: folder)
        try? fileManager.removeItem(at: URL(fileURLWithPath: pycacheRoot.path + folder.standardizedFileURL.path))
    }

    /// Removes what a previous server process left in `runsRoot` (a crash leaves execution and
    /// worker folders behind; nothing in them is needed once its process is gone).
    func removeLeftovers() {
        let fileManager = FileManager.default
        for name in (try? fileManager.contentsOfDirectory(atPath: runsRoot.path)) ?? [] {
            remove(runsRoot.appendingPathComponent(name))
        }
    }
}
