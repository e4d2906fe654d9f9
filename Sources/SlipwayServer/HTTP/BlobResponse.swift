import Foundation
import Hummingbird
import SlipwayCore

/// A blob's bytes as a streamed `200` response.
enum BlobResponse {
    static func make(_ blobs: any BlobStore, key: String, fileName: String? = nil, headers extra: HTTPFields = [:]) async throws -> Response {
        guard let content = try await blobs.read(key) else { throw SlipwayError.notFound("file", key) }
        var headers: HTTPFields = [.contentType: "application/octet-stream", .contentLength: String(content.size)]
        if let fileName { headers[.contentDisposition] = "attachment; filename=\"\(fileName.replacingOccurrences(of: "\"", with: ""))\"" }
        headers.append(contentsOf: extra)
        let body = ResponseBody { writer in
            for try await chunk in content.chunks { try await writer.write(ByteBuffer(data: chunk)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
