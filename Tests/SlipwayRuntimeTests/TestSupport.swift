import Foundation
import SlipwayStore

/// Helpers shared by the runtime tests: temp folders and running host tools.
enum TestSupport {
    /// A blob store in `root/blobs`, for launchers that export file inputs.
    static func blobs(in root: URL) throws -> FileBlobStore {
        try FileBlobStore(root: root.appendingPathComponent("blobs"))
    }

    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a tool synchronously; returns its exit status.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static var python3: String? {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Builds a .tar.gz with Python's tarfile so entries can have any name or type.
    /// `entries` is a Python list literal of (name, kind, payload) with kind in file/dir/symlink.
    static func pythonTarGz(at archive: URL, entries: String) throws {
        let python = try require(python3, "python3 not found")
        let script = """
            import io, sys, tarfile
            with tarfile.open(sys.argv[1], "w:gz") as tar:
                for name, kind, payload in \(entries):
                    info = tarfile.TarInfo(name)
                    if kind == "file":
                        data = payload.encode() if isinstance(payload, str) else b"x" * payload
                        info.size = len(data)
                        tar.addfile(info, io.BytesIO(data))
                    elif kind == "dir":
                        info.type = tarfile.DIRTYPE
                        tar.addfile(info)
                    elif kind == "symlink":
                        info.type = tarfile.SYMTYPE
                        info.linkname = payload
                        tar.addfile(info)
            """
        let status = try run(python, ["-c", script, archive.path])
        guard status == 0 else { throw TestSupportError("python tarfile exited with \(status)") }
    }
}

struct TestSupportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `#require` outside a test body.
func require<T>(_ value: T?, _ message: String = "missing value") throws -> T {
    guard let value else { throw TestSupportError(message) }
    return value
}
