import Foundation
import Hummingbird
import NIOCore
import SlipwayCore

/// The receivers behind presigned URLs. They authenticate by signature only (the SDK sends no
/// Authorization header) and answer errors as S3-style XML, as the SDK parses them.
extension CraftAIDialect {
    func registerPresigned(on router: Router<SlipwayRequestContext>) {
        router.post("presigned/upload") { request, _ -> Response in
            do {
                let claims = try signer.verify(request.query("token") ?? "", op: "upload")
                let path = try ObjectPath(claims.path ?? "")
                let form = try await forms.read(request)
                defer { form.discardFiles() }
                guard let file = form.files["file"] else { throw SlipwayError.badRequest("the form has no 'file' part") }
                let blob = try await platform.blobs.importFile(at: file.url)
                _ = try await dataStore.attach(blob: blob, workspaceID: claims.workspaceID, path: path)
                return JSONResponse.empty(.noContent)
            } catch {
                return Self.s3Error(error)
            }
        }
        router.get("presigned/download") { request, _ -> Response in
            do {
                let claims = try signer.verify(request.query("token") ?? "", op: "download")
                let object = try await dataStore.information(workspaceID: claims.workspaceID, path: claims.path ?? "")
                return try await fileResponse(blob: object.blob, fileName: object.path.split(separator: "/").last.map(String.init))
            } catch {
                return Self.s3Error(error)
            }
        }
        router.get("presigned/archive") { request, _ -> Response in
            do {
                let claims = try signer.verify(request.query("token") ?? "", op: "archive")
                return try await fileResponse(blob: claims.blob ?? "")
            } catch {
                return Self.s3Error(error)
            }
        }
        router.put("presigned/part") { request, _ -> Response in
            do {
                let claims = try signer.verify(request.query("token") ?? "", op: "part")
                guard let uploadID = claims.uploadID, let part = claims.part,
                      try await platform.store.multipartUpload(id: uploadID) != nil
                else { throw SlipwayError.notFound("multipart upload", claims.uploadID ?? "") }
                let destination = uploads.partURL(uploadID, part: part)
                let temporary = destination.appendingPathExtension("tmp-\(UUID().uuidString.prefix(8))")
                let size = try await request.spoolBody(to: temporary, limit: 5 << 30, tooLarge: "a part may not exceed 5 GiB")
                _ = rename(temporary.path, destination.path)
                return JSONResponse.empty(.ok, headers: [.eTag: "\"\(uploadID.prefix(8))-\(part)-\(size)\""])
            } catch {
                return Self.s3Error(error)
            }
        }
    }

    static func s3Error(_ error: any Error) -> Response {
        let code: String
        let message: String
        let status: HTTPResponse.Status
        if let error = error as? SlipwayError {
            status = error.kind.httpStatus
            message = error.message
            switch error.kind {
            case .forbidden: code = "AccessDenied"
            case .notFound: code = "NoSuchKey"
            case .payloadTooLarge: code = "EntityTooLarge"
            default: code = "InvalidRequest"
            }
        } else {
            status = .internalServerError
            code = "InternalError"
            message = "the upload could not be stored"
        }
        let escape = MarkupEscaping.escape
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(escape(message))</Message></Error>"
        return JSONResponse.bytes(Data(xml.utf8), contentType: "application/xml", status: status)
    }
}
