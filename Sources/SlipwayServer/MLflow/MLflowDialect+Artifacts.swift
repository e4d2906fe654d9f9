import Foundation
import Hummingbird
import NIOCore
import SlipwayCore

/// The proxied artifact service (`mlflow-artifacts:` URIs), under each `artifactPrefixes` root:
/// - `GET artifacts?path=<dir>` → `{"files": [{"path", "is_dir", "file_size"}]}` (names in the folder);
/// - `GET|PUT|DELETE artifacts/<path>`: download (streamed), upload (streamed to the blob
///   store), delete (a file, or a folder with everything in it);
/// - `POST mpu/create/<path>` `{"path", "num_parts"}` → `{"upload_id", "credentials": [{"url",
///   "part_number", "headers"}]}`: each part goes by `PUT` to its URL, which carries a signed,
///   one-hour capability (the client sends no credentials there); `POST mpu/complete/<path>`
///   `{"upload_id", "parts": [{"part_number", "etag"}]}` joins them; `POST mpu/abort/<path>`.
/// Paths are checked by `ArtifactPath`; a refused path writes nothing.
extension MLflowDialect {
    static let partOperation = "mlflow-artifact-part"
    static let partURLLifetime: TimeInterval = 3600

    func registerArtifacts(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("artifacts") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let path = try ArtifactPath(request.uri.queryParameters["path"].map(String.init) ?? "", allowRoot: true)
            let entries = try await artifacts.list(path, workspaceID: workspace.id)
            return JSONResponse.make(.object(["files": .array(entries.map(Self.fileInfo))]))
        }
        group.get("artifacts/**") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let path = try Self.artifactPath(request, after: "/mlflow-artifacts/artifacts")
            guard let content = try await artifacts.download(path, workspaceID: workspace.id) else {
                throw MLflowError.doesNotExist("artifact '\(path)' does not exist")
            }
            return Self.streamed(content)
        }
        group.put("artifacts/**") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let path = try Self.artifactPath(request, after: "/mlflow-artifacts/artifacts")
            try await artifacts.upload(path, workspaceID: workspace.id, content: request.body.map { Data(buffer: $0) })
            return JSONResponse.make(.object([:]))
        }
        group.delete("artifacts/**") { request, context in
            let (_, workspace) = try context.mlflowScope()
            try await artifacts.delete(try Self.artifactPath(request, after: "/mlflow-artifacts/artifacts"), workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        let create: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let path = try Self.multipartTarget(request, message, marker: "/mlflow-artifacts/mpu/create")
            let parts = Int(try message.int64("num_parts") ?? 1)
            let uploadID = try await artifacts.createMultipartUpload(path, parts: parts, workspaceID: workspace.id)
            let base = Self.baseURL(of: request, configuration: configuration)
            let prefix = request.uri.path.hasPrefix("/ajax-api") ? "ajax-api" : "api"
            let expires = Int64(Date().addingTimeInterval(Self.partURLLifetime).timeIntervalSince1970)
            let credentials: [JSONValue] = (1...parts).map { number in
                let token = signer.sign(.init(op: Self.partOperation, workspaceID: workspace.id, path: path.description,
                                              uploadID: uploadID, part: number, expires: expires))
                return .object(["url": .string("\(base)/\(prefix)/2.0/mlflow-artifacts/mpu/part?token=\(token)"),
                                "part_number": .number(Double(number)), "headers": .object([:])])
            }
            return JSONResponse.make(.object(["upload_id": .string(uploadID), "credentials": .array(credentials)]))
        }
        group.post("mpu/create", use: create)
        group.post("mpu/create/**", use: create)
        let complete: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let path = try Self.multipartTarget(request, message, marker: "/mlflow-artifacts/mpu/complete")
            let numbers = try message.messages("parts").map { part -> Int in
                guard let number = try part.int64("part_number") else { throw MLflowError.invalidParameter("each part needs its part_number") }
                return Int(number)
            }
            try await artifacts.completeMultipartUpload(path, uploadID: try message.requiredString("upload_id"), parts: numbers,
                                                        workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.post("mpu/complete", use: complete)
        group.post("mpu/complete/**", use: complete)
        let abort: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let path = try Self.multipartTarget(request, message, marker: "/mlflow-artifacts/mpu/abort")
            try await artifacts.abortMultipartUpload(path, uploadID: try message.requiredString("upload_id"), workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.post("mpu/abort", use: abort)
        group.post("mpu/abort/**", use: abort)
    }

    /// `PUT mpu/part?token=…`: a part of a multipart upload, authorised by its signed URL alone.
    func registerArtifactParts(_ group: RouterGroup<SlipwayRequestContext>) {
        group.put("mpu/part") { request, _ in
            guard let token = request.uri.queryParameters["token"].map(String.init) else {
                throw MLflowError(.unauthenticated, "this part URL carries no signature")
            }
            let claims: URLSigner.Claims
            do {
                claims = try signer.verify(token, op: Self.partOperation)
            } catch let error as SlipwayError {
                throw MLflowError(.permissionDenied, error.message)
            }
            guard let uploadID = claims.uploadID, let number = claims.part else {
                throw MLflowError(.permissionDenied, "this URL was not signed for an upload part")
            }
            let etag = try await artifacts.uploadPart(uploadID: uploadID, number: number, workspaceID: claims.workspaceID,
                                                      content: request.body.map { Data(buffer: $0) })
            return JSONResponse.empty(.ok, headers: [.eTag: "\"\(etag)\""])
        }
    }

    /// `GET /mlflow/artifacts/list` `run_id`, `path`, `page_token` → `root_uri`, `files[]` (paths
    /// from the run's artifact root), `next_page_token` (pages of 1000).
    func registerRunArtifacts(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("artifacts/list") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let runID = try message.string("run_id") ?? message.requiredString("run_uuid")
            guard let run = try await runs.runSummary(id: runID, workspaceID: workspace.id) else {
                throw MLflowError.doesNotExist("Run with id=\(NameRules.printable(runID)) not found")
            }
            let root = try ArtifactPath(run.artifactPath)
            let relative = try ArtifactPath(try message.string("path") ?? "", allowRoot: true)
            let entries = try await artifacts.list(root.appending(relative), workspaceID: workspace.id)
            let offset = try Self.pageOffset(try message.string("page_token"))
            let page = entries.dropFirst(offset).prefix(1000)
            var body: [String: JSONValue] = [
                "root_uri": .string("mlflow-artifacts:/\(root)"),
                "files": .array(page.map { entry in
                    var file = Self.fileInfo(entry)
                    if case .object(var fields) = file {
                        fields["path"] = .string(relative.isRoot ? entry.path : "\(relative)/\(entry.path)")
                        file = .object(fields)
                    }
                    return file
                }),
            ]
            if offset + page.count < entries.count { body["next_page_token"] = .string(Self.pageToken(offset + page.count)) }
            return JSONResponse.make(.object(body))
        }
    }

    static func fileInfo(_ entry: ArtifactEntry) -> JSONValue {
        var file: [String: JSONValue] = ["path": .string(entry.path), "is_dir": .bool(entry.isFolder)]
        if let size = entry.size { file["file_size"] = .number(Double(size)) }
        return .object(file)
    }

    /// The artifact path after `marker` in the request's path, read from the raw path (so an
    /// empty component `a//b` is seen, not collapsed); each component is percent-decoded and
    /// one that decodes to a `/` is refused.
    static func artifactPath(_ request: Request, after marker: String, allowRoot: Bool = false) throws -> ArtifactPath {
        let raw = request.uri.path
        guard let range = raw.range(of: marker) else { throw MLflowError.invalidParameter("an artifact path is required") }
        var rest = raw[range.upperBound...]
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        let components = try rest.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            guard let decoded = String(part).removingPercentEncoding, !decoded.contains("/") else {
                throw MLflowError.invalidParameter("artifact path '\(NameRules.printable(String(rest)))' has an invalid component")
            }
            return decoded
        }
        do {
            return try ArtifactPath(components.joined(separator: "/"), allowRoot: allowRoot)
        } catch {
            throw MLflowError.invalidParameter(error.message)
        }
    }

    /// A multipart upload's file: the folder in the URL and the base name of the message's
    /// `path` (the client's local file), as MLflow's server joins them.
    static func multipartTarget(_ request: Request, _ message: MLflowMessage, marker: String) throws -> ArtifactPath {
        let folder = try artifactPath(request, after: marker, allowRoot: true)
        let local = try message.requiredString("path")
        let name = String(local.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
        do {
            return folder.appending(try ArtifactPath(name))
        } catch {
            throw MLflowError.invalidParameter(error.message)
        }
    }

    static func streamed(_ content: BlobContent) -> Response {
        let body = ResponseBody { writer in
            for try await chunk in content.chunks { try await writer.write(ByteBuffer(data: chunk)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .contentLength: String(content.size)],
                        body: body)
    }

    /// `scheme://host[:port]` the caller reached this server at.
    static func baseURL(of request: Request, configuration: ServerConfiguration) -> String {
        let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        let scheme = request.headers[values: .init("X-Forwarded-Proto")!].first ?? "http"
        return "\(scheme)://\(host)"
    }

    /// Page tokens are the base64 of the next offset.
    static func pageToken(_ offset: Int) -> String { Data("\(offset)".utf8).base64EncodedString() }

    static func pageOffset(_ token: String?) throws -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let offset = Int(String(decoding: data, as: UTF8.self)), offset >= 0 else {
            throw MLflowError.invalidParameter("invalid page_token '\(NameRules.printable(token))'")
        }
        return offset
    }
}
