import Foundation
import Hummingbird
import SlipwayCore

extension Request {
    /// Writes the body to a new file at `url` (mode 0600), synced, and answers its size; a body
    /// over `limit` bytes is a 413 that removes what was written.
    @discardableResult
    func spoolBody(to url: URL, limit: Int64, tooLarge: @autoclosure () -> String) async throws -> Int64 {
        FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: url)
        var size: Int64 = 0
        do {
            for try await buffer in body {
                size += Int64(buffer.readableBytes)
                guard size <= limit else { throw SlipwayError.tooLarge(tooLarge()) }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return size
    }
}
