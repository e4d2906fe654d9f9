import Crypto
import Foundation
import Hummingbird
import SlipwayCore

/// The stylesheet and script, compiled into the binary; cached by browsers for a day and
/// revalidated by their content hash.
enum WebAssets {
    struct Asset: Sendable {
        let bytes: [UInt8]
        let contentType: String
        let etag: String
    }

    static let assets: [String: Asset] = [
        "style.css": asset(PackageResources.style_css, "text/css; charset=utf-8"),
        "ui.js": asset(PackageResources.ui_js, "text/javascript; charset=utf-8"),
    ]

    static func asset(_ bytes: [UInt8], _ contentType: String) -> Asset {
        Asset(bytes: bytes, contentType: contentType, etag: "\"" + SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined() + "\"")
    }

    static func response(named name: String) throws -> Response {
        guard let asset = assets[name] else { throw SlipwayError.notFound("asset", name) }
        var headers = WebResponse.securityHeaders
        headers[.contentType] = asset.contentType
        headers[.cacheControl] = "public, max-age=86400"
        headers[.eTag] = asset.etag
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
