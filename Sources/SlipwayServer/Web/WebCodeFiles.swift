import Foundation
import SlipwayCore

/// The files of a step's installed code, for the pipeline page's file list and viewer. Only
/// regular files below the code folder are listed or read (symbolic links are not followed).
struct WebCodeFiles {
    static let maxFiles = 2000
    static let maxViewedBytes = 256 * 1024

    let root: URL

    /// Relative paths and sizes, sorted; nil when the code is not installed on this node.
    func list() -> [(path: String, size: Int64)]? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue,
              let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                                                              options: []) else { return nil }
        var files: [(String, Int64)] = []
        let prefix = root.standardizedFileURL.path + "/"
        for case let url as URL in enumerator {
            guard let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), values.isRegularFile == true else {
                continue
            }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            if relative.hasPrefix("__pycache__") || relative.contains("/__pycache__/") { continue }
            files.append((relative, Int64(values.fileSize ?? 0)))
            if files.count >= Self.maxFiles { break }
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// The text of `path` when it is one of the listed files, UTF-8 and small enough; otherwise
    /// nil with the reason.
    func text(_ path: String) -> (text: String?, reason: String) {
        guard let files = list(), let file = files.first(where: { $0.path == path }) else {
            return (nil, "No such file in the code archive.")
        }
        guard file.size <= Self.maxViewedBytes else {
            return (nil, "This file is \(WebFormat.bytes(file.size)), too large to show here.")
        }
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(file.path).path),
              let text = String(data: data, encoding: .utf8), !text.contains("\u{0}") else {
            return (nil, "This file is not text.")
        }
        return (text, "")
    }
}
