import Foundation
import Hummingbird
import NIOCore
import SlipwayCore

extension CraftAIDialect {
    static let presignLifetime: Int64 = 3600

    func registerDataStore(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("data-store/list") { request, context -> Response in
            let identity = try context.userOrExecution()
            let page = try await dataStore.list(workspaceID: identity.workspace.id, folder: request.query("folder_path"),
                                                continuationToken: request.query("continuation_token"))
            var body: [String: JSONValue] = ["items": .array(page.objects.map(CraftAIPresenter.dataObject))]
            if let next = page.next { body["continuation_token"] = .string(next) }
            return JSONResponse.make(.object(body))
        }
        group.post("data-store/information") { request, context -> Response in
            let identity = try context.userOrExecution()
            let path = try await Self.pathField(request)
            return JSONResponse.make(CraftAIPresenter.dataObject(try await dataStore.information(workspaceID: identity.workspace.id, path: path)))
        }
        group.get("data-store/upload") { request, context -> Response in
            let identity = try context.userOrExecution()
            let path = try ObjectPath(request.query("path_to_object") ?? "")
            let token = signer.sign(.init(op: "upload", workspaceID: identity.workspace.id, path: path.value, expires: expiry()))
            return JSONResponse.make(.object(["signed_url": .string("\(baseURL(for: request))/presigned/upload?token=\(token)"),
                                              "fields": .object([:])]))
        }
        group.post("data-store/download") { request, context -> Response in
            let identity = try context.userOrExecution()
            let path = try await Self.pathField(request)
            let object = try await dataStore.information(workspaceID: identity.workspace.id, path: path)
            let token = signer.sign(.init(op: "download", workspaceID: identity.workspace.id, path: object.path, expires: expiry()))
            return JSONResponse.make(.object(["signed_url": .string("\(baseURL(for: request))/presigned/download?token=\(token)")]))
        }
        group.delete("data-store/delete") { request, context -> Response in
            let identity = try context.userOrExecution()
            let path = try await Self.pathField(request)
            return JSONResponse.make(.object(["path": .string(try await dataStore.delete(workspaceID: identity.workspace.id, path: path))]))
        }
        group.post("data-store/upload/multipart") { request, context -> Response in
            let identity = try context.userOrExecution()
            let body = try await request.jsonObject(limit: 64 * 1024)
            let upload = try await dataStore.startMultipart(workspaceID: identity.workspace.id,
                                                            path: body["path_to_object"]?.stringValue ?? "")
            try uploads.prepare(upload.id)
            return JSONResponse.make(.object(["upload_id": .string(upload.id), "path": .string(upload.path)]))
        }
        group.post("data-store/upload/multipart/part") { request, context -> Response in
            let identity = try context.userOrExecution()
            let body = try await request.jsonObject(limit: 64 * 1024)
            let upload = try await multipartUpload(body, workspaceID: identity.workspace.id)
            guard case .number(let number) = body["part_number"] ?? .null, number >= 1, number <= 10_000, number.rounded() == number else {
                throw SlipwayError.badRequest("part_number must be an integer from 1 to 10000")
            }
            let token = signer.sign(.init(op: "part", workspaceID: identity.workspace.id, path: upload.path, uploadID: upload.id,
                                          part: Int(number), expires: expiry()))
            return JSONResponse.make(.object(["signed_url": .string("\(baseURL(for: request))/presigned/part?token=\(token)"),
                                              "headers": .object([:])]))
        }
        group.post("data-store/upload/multipart/end") { request, context -> Response in
            let identity = try context.userOrExecution()
            let body = try await request.jsonObject(limit: 4 << 20)
            let upload = try await multipartUpload(body, workspaceID: identity.workspace.id)
            guard let parts = body["parts"]?.arrayValue, !parts.isEmpty else { throw SlipwayError.badRequest("parts must not be empty") }
            var numbers: [Int] = []
            for part in parts {
                guard case .number(let number) = part["number"] ?? .null, Int(number) == numbers.count + 1 else {
                    throw SlipwayError.badRequest("parts must be numbered 1, 2, 3… in order")
                }
                numbers.append(Int(number))
            }
            let blob = try await uploads.assemble(upload.id, parts: numbers, into: platform.blobs)
            let object = try await dataStore.attach(blob: blob, workspaceID: identity.workspace.id, path: try ObjectPath(upload.path))
            try await dataStore.finishMultipart(upload)
            uploads.remove(upload.id)
            return JSONResponse.make(CraftAIPresenter.dataObject(object))
        }
    }

    private func expiry() -> Int64 { Int64(Date().timeIntervalSince1970) + Self.presignLifetime }

    private func multipartUpload(_ body: [String: JSONValue], workspaceID: String) async throws -> MultipartUpload {
        guard let configuration = body["multipart_upload_configuration"], let id = configuration["upload_id"]?.stringValue else {
            throw SlipwayError.badRequest("multipart_upload_configuration is missing or not the one the server returned")
        }
        return try await dataStore.multipart(id: id, workspaceID: workspaceID, path: body["path_to_object"]?.stringValue ?? "")
    }

    /// `path_to_object` from a JSON or form body (the SDK uses both).
    static func pathField(_ request: Request) async throws -> String {
        let buffer = try await request.collectBody(limit: 64 * 1024)
        if request.contentType.lowercased().hasPrefix("application/json") {
            guard let value = try? JSONValue.parse(buffer), let path = value["path_to_object"]?.stringValue else {
                throw SlipwayError.badRequest("path_to_object is required")
            }
            return path
        }
        let fields = try URLEncodedForm.parse(buffer.readableBytesView)
        guard let path = fields.last(where: { $0.0 == "path_to_object" })?.1 else {
            throw SlipwayError.badRequest("path_to_object is required")
        }
        return path
    }
}
