import Foundation
import HTTPTypes
import Hummingbird
import SlipwayCore

/// What the stand-in `ts_sdk` context of a task script calls (see
/// `python/slipway_shims/tetra/ts_sdk`), with the step's token:
///
/// - `GET /v1/task-runtime/file?fileKey=|fileId=` → the bytes, described in `X-Slipway-File`;
/// - `POST /v1/task-runtime/file?fileName=&category=IDS|PROCESSED|TMP` with the bytes and
///   `X-Slipway-File-Attributes` `{"customMetadata", "customTags", "labels"}` (optional
///   `If-Match` / `If-None-Match: *`) → 201 `{"file": pointer}`. The file goes to
///   `<CATEGORY>/<folder of the workflow's input file>/<fileName>`, marked as written by the
///   step's pipeline (so it never starts that pipeline again);
/// - `POST /v1/task-runtime/file/metadata?fileId=` `{"customMetadata", "customTags"}` (merged);
/// - `POST /v1/task-runtime/file/presigned-url?fileId=&ttl=` → `{"url"}` (a signed download);
/// - `GET /v1/fileinfo/file/{fileId}`; `GET|POST|DELETE /v1/fileinfo/files/{fileId}/labels`;
/// - `POST /v1/datalake/upload?filePath=&category=` (default `RAW`) with the bytes and the same
///   optional attributes header: a user's (or a step's) upload to any path → 201 `{"file": pointer}`.
extension TetraScienceDialect {
    static let writableCategories: Set<String> = ["IDS", "PROCESSED", "TMP"]
    static let fileHeader = HTTPField.Name("X-Slipway-File")!
    static let attributesHeader = HTTPField.Name("X-Slipway-File-Attributes")!
    /// Largest file a task script writes in one call.
    static let maxTaskFileBytes: Int64 = 1 << 30

    func registerTaskRuntime(on router: Router<SlipwayRequestContext>) {
        let authenticator = TetraTaskRuntimeAuthenticator(accounts: accounts, runs: stepRuns)
        let runtime = router.group("v1/task-runtime").add(middleware: authenticator)
        let info = router.group("v1/fileinfo").add(middleware: authenticator)
        router.group("v1/datalake").add(middleware: authenticator).post("upload") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let run = context.identity?.principal.executionID.flatMap(stepRuns.run(id:))
            let category = request.query("category")?.uppercased() ?? "RAW"
            guard Self.writableCategories.contains(category) || category == "RAW" else {
                throw SlipwayError.badRequest("'category' must be one of RAW, IDS, PROCESSED, TMP")
            }
            let path = try ObjectPath(request.query("filePath") ?? "")
            var attributes = try Self.attributes(request.headers[Self.attributesHeader])
            attributes.category = category
            attributes.producedByPipeline = run?.pipelineID
            let object = try await store(request, at: path, attributes: attributes, workspace: workspace)
            return JSONResponse.make(.object(["file": TetraFilePointer.pointer(object, organization: workspace.name)]), status: .created)
        }
        runtime.get("file") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let object = try await file(request, workspace: workspace)
            let description = TetraFilePointer.description(object, organization: workspace.name).jsonString()
            return try await BlobResponse.make(core.platform.blobs, key: object.blob, headers: [Self.fileHeader: Self.asciiJSON(description)])
        }
        runtime.post("file") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let run = context.identity?.principal.executionID.flatMap(stepRuns.run(id:))
            guard let category = request.query("category")?.uppercased(), Self.writableCategories.contains(category) else {
                throw SlipwayError.badRequest("'category' must be one of IDS, PROCESSED, TMP (RAW files are read-only)")
            }
            guard let name = request.query("fileName"), !name.isEmpty else { throw SlipwayError.badRequest("'fileName' is required") }
            var folder = ""
            if let input = run?.inputPath, let slash = input.lastIndex(of: "/") { folder = String(input[...slash]) }
            let path = try ObjectPath("\(category)/\(folder)\(name)")
            var attributes = try Self.attributes(request.headers[Self.attributesHeader])
            attributes.category = category
            attributes.producedByPipeline = run?.pipelineID
            try attributes.validate()
            if let existing = try? await core.dataStore.information(workspaceID: workspace.id, path: path.value) {
                if request.headers[.ifNoneMatch] == "*" { throw SlipwayError.conflict("'\(path.value)' already exists") }
                if let expected = request.headers[.ifMatch], expected != existing.etag {
                    throw SlipwayError.conflict("'\(path.value)' is not at version \(NameRules.printable(expected))")
                }
            } else if request.headers[.ifMatch] != nil {
                throw SlipwayError.conflict("'\(path.value)' does not exist")
            }
            let object = try await store(request, at: path, attributes: attributes, workspace: workspace)
            return JSONResponse.make(.object(["file": TetraFilePointer.pointer(object, organization: workspace.name)]), status: .created)
        }
        runtime.post("file/metadata") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let body = try await request.jsonObject(limit: Self.maxJSONBodyBytes)
            let change = try Self.attributes(JSONValue.object(body).jsonString())
            let object = try await core.dataStore.updateAttributes(workspaceID: workspace.id, path: try Self.path(fileID: request.query("fileId"))) {
                $0.metadata.merge(change.metadata) { _, new in new }
                $0.tags += change.tags.filter { !$0.isEmpty }
                $0.tags = Array(NSOrderedSet(array: $0.tags)) as? [String] ?? $0.tags
            }
            return JSONResponse.make(.object(["file": TetraFilePointer.pointer(object, organization: workspace.name)]))
        }
        runtime.post("file/presigned-url") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let object = try await core.dataStore.information(workspaceID: workspace.id, path: try Self.path(fileID: request.query("fileId")))
            let ttl = Int64(request.query("ttl") ?? "300") ?? -1
            guard (1...3600).contains(ttl) else { throw SlipwayError.badRequest("'ttl' must be 1-3600 seconds") }
            let token = signer.sign(.init(op: "download", workspaceID: workspace.id, path: object.path,
                                          expires: Int64(Date().timeIntervalSince1970) + ttl))
            return JSONResponse.make(.object(["url": .string("\(apiURL)/presigned/download?token=\(token)")]))
        }
        info.get("file/:id") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let object = try await core.dataStore.information(workspaceID: workspace.id,
                                                             path: try Self.path(fileID: context.parameters.get("id")))
            return JSONResponse.make(TetraFilePointer.description(object, organization: workspace.name))
        }
        info.get("files/:id/labels") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let object = try await core.dataStore.information(workspaceID: workspace.id,
                                                             path: try Self.path(fileID: context.parameters.get("id")))
            return JSONResponse.make(.array(object.attributes.labels.map(TetraFilePointer.label)))
        }
        info.post("files/:id/labels") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let body = try await request.collectBody(limit: Self.maxJSONBodyBytes)
            guard let list = (try? JSONValue.parse(body))?.arrayValue else {
                throw SlipwayError.badRequest("the body must be a JSON list of {\"name\", \"value\"} labels")
            }
            let added = try Self.labels(list)
            _ = try await core.dataStore.updateAttributes(workspaceID: workspace.id, path: try Self.path(fileID: context.parameters.get("id"))) {
                $0.labels += added
            }
            return JSONResponse.make(.array(added.map(TetraFilePointer.label)))
        }
        info.delete("files/:id/labels") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let ids = Set(request.uri.queryParameters.getAll("id").map { String($0) })
            guard !ids.isEmpty else { throw SlipwayError.badRequest("name the labels to delete with ?id=<label id>") }
            _ = try await core.dataStore.updateAttributes(workspaceID: workspace.id, path: try Self.path(fileID: context.parameters.get("id"))) {
                $0.labels.removeAll { ids.contains($0.id) }
            }
            return JSONResponse.empty(.noContent)
        }
    }

    /// Stores the request's body at `path`.
    private func store(_ request: Request, at path: ObjectPath, attributes: FileAttributes, workspace: Workspace) async throws
        -> DataObject {
        try attributes.validate()
        let spool = uploads.appendingPathComponent("tetra-file-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: spool) }
        try await request.spoolBody(to: spool, limit: Self.maxTaskFileBytes,
                                    tooLarge: "a file is at most \(Self.maxTaskFileBytes >> 20) MiB")
        let blob = try await core.platform.blobs.importFile(at: spool)
        return try await core.dataStore.attach(blob: blob, workspaceID: workspace.id, path: path, attributes: attributes)
    }

    /// The object a read names by `fileKey` or `fileId`.
    private func file(_ request: Request, workspace: Workspace) async throws -> DataObject {
        let path: String
        if let key = request.query("fileKey"), !key.isEmpty {
            path = key
        } else {
            path = try Self.path(fileID: request.query("fileId"))
        }
        return try await core.dataStore.information(workspaceID: workspace.id, path: path)
    }

    static func path(fileID: String?) throws -> String {
        guard let fileID, !fileID.isEmpty else { throw SlipwayError.badRequest("a file id is required") }
        guard let path = TetraFilePointer.path(fileID: fileID) else { throw SlipwayError.notFound("file", NameRules.printable(fileID)) }
        return path
    }

    /// Header values are ASCII: other characters are written as JSON escapes.
    static func asciiJSON(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII { result.unicodeScalars.append(scalar) } else {
                for unit in String(scalar).utf16 { result += String(format: "\\u%04x", unit) }
            }
        }
        return result
    }

    /// `{"customMetadata": {k: v}, "customTags": [..], "labels": [{"name", "value"}]}` (all optional).
    static func attributes(_ header: String?) throws -> FileAttributes {
        guard let header, !header.isEmpty else { return FileAttributes() }
        guard let object = (try? JSONValue.parse(header))?.objectValue else {
            throw SlipwayError.badRequest("the file attributes must be a JSON object")
        }
        var attributes = FileAttributes()
        if let metadata = object["customMetadata"], metadata != .null {
            guard let entries = metadata.objectValue else { throw SlipwayError.badRequest("'customMetadata' must be an object of strings") }
            for (key, value) in entries {
                switch value {
                case .string(let text): attributes.metadata[key] = text
                case .number, .bool: attributes.metadata[key] = value.jsonString()
                default: throw SlipwayError.badRequest("'customMetadata.\(NameRules.printable(key))' must be a string")
                }
            }
        }
        if let tags = object["customTags"], tags != .null {
            guard let list = tags.arrayValue?.compactMap(\.stringValue), list.count == tags.arrayValue?.count else {
                throw SlipwayError.badRequest("'customTags' must be a list of strings")
            }
            attributes.tags = list
        }
        if let labels = object["labels"], labels != .null {
            guard let list = labels.arrayValue else { throw SlipwayError.badRequest("'labels' must be a list") }
            attributes.labels = try Self.labels(list)
        }
        try attributes.validate()
        return attributes
    }

    static func labels(_ list: [JSONValue]) throws -> [FileLabel] {
        guard list.count <= FileAttributes.maximumLabels else { throw SlipwayError.badRequest("at most \(FileAttributes.maximumLabels) labels") }
        return try list.map { item in
            guard let name = item["name"]?.stringValue, let value = item["value"]?.stringValue else {
                throw SlipwayError.badRequest("a label is {\"name\": string, \"value\": string}")
            }
            let label = FileLabel(name: name, value: value)
            try label.validate()
            return label
        }
    }
}
