import Foundation
import SlipwayCore

/// Parts of multipart data-store uploads, kept as files under `uploads/<upload id>/<part>`
/// until the upload is completed into one blob.
struct MultipartPartStore: Sendable {
    let root: URL

    func folder(_ uploadID: String) -> URL { root.appendingPathComponent(uploadID) }

    func partURL(_ uploadID: String, part: Int) -> URL {
        folder(uploadID).appendingPathComponent(String(format: "%06d", part))
    }

    func prepare(_ uploadID: String) throws {
        try FileManager.default.createDirectory(at: folder(uploadID), withIntermediateDirectories: true)
    }

    /// Concatenates the listed parts (in order) into a new blob.
    func assemble(_ uploadID: String, parts: [Int], into blobs: any BlobStore) async throws -> BlobInfo {
        let writer = try await blobs.makeWriter()
        do {
            for part in parts {
                let url = partURL(uploadID, part: part)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw SlipwayError.badRequest("part \(part) was never uploaded")
                }
                let handle = try FileHandle(forReadingFrom: url)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try await writer.write(chunk) }
            }
            return try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
    }

    func remove(_ uploadID: String) {
        try? FileManager.default.removeItem(at: folder(uploadID))
    }
}
