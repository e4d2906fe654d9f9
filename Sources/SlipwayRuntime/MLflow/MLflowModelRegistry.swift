import AsyncHTTPClient
import Foundation
import SlipwayCore

/// A `RemoteModelRegistry` over an MLflow tracking server's registry RPCs and proxied
/// artifacts (Slipway's own MLflow API included). A version's files are those under the folder
/// `model-versions/get-download-uri` names.
public struct MLflowModelRegistry: RemoteModelRegistry {
    let client: MLflowRESTClient
    let reader: RemoteTrackingReader

    public init(client: MLflowRESTClient) {
        self.client = client
        reader = RemoteTrackingReader(client: client)
    }

    public func registeredModels(maxResults: Int, pageToken: String?) async throws -> (models: [RemoteRegisteredModel], nextPageToken: String?) {
        var query = [("max_results", String(max(1, min(maxResults, 1000))))]
        if let pageToken, !pageToken.isEmpty { query.append(("page_token", pageToken)) }
        let answer = try await client.get("registered-models/search", query: query)
        let models = (answer["registered_models"]?.arrayValue ?? []).compactMap { model -> RemoteRegisteredModel? in
            guard let name = model["name"]?.stringValue else { return nil }
            return RemoteRegisteredModel(
                name: name, userID: model["user_id"]?.stringValue, description: model["description"]?.stringValue,
                createdAt: RemoteTrackingReader.date(model["creation_timestamp"]),
                updatedAt: RemoteTrackingReader.date(model["last_updated_timestamp"]),
                latestVersions: model["latest_versions"]?.arrayValue.map { $0.compactMap(Self.version(from:)) })
        }
        let next = answer["next_page_token"]?.stringValue
        return (models, next?.isEmpty == false ? next : nil)
    }

    public func modelVersion(name: String, version: String) async throws -> RemoteModelVersion {
        let answer = try await client.get("model-versions/get", query: [("name", name), ("version", version)])
        guard let found = answer["model_version"].flatMap(Self.version(from:)) else {
            throw SlipwayError.notFound("model version", "\(name)/\(version)")
        }
        return found
    }

    public func artifactFiles(of version: RemoteModelVersion) async throws -> [RemoteArtifactFile] {
        let folder = try await downloadFolder(of: version)
        var files: [RemoteArtifactFile] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let path = relative.isEmpty ? folder : folder + "/" + relative
            for entry in try await client.listArtifacts(path: path) {
                let name = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
                guard !name.isEmpty, name != ".", name != ".." else { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                let full = folder + "/" + child
                files.append(RemoteArtifactFile(path: full, url: artifactURL(full), size: entry.size, isDirectory: entry.isDirectory))
                if entry.isDirectory { pending.append(child) }
                guard files.count <= RemoteTrackingReader.maxFiles else {
                    throw SlipwayError.badRequest("model \(version.name) version \(version.version) has more than \(RemoteTrackingReader.maxFiles) files")
                }
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    public func download(_ location: String, into destination: URL, limit: Int64) async throws -> RemoteDownload {
        if let path = artifactPath(ofURL: location) {
            let name = path.split(separator: "/").last.map(String.init) ?? "model"
            guard Self.isSafe(name) else { throw SlipwayError.badRequest("'\(NameRules.printable(location))' does not name a file") }
            try await client.downloadArtifact(path: path, to: destination.appendingPathComponent(name), limit: limit)
            return .file(name: name)
        }
        let folder = try await folderPath(ofSource: location)
        let files = try await reader.artifactFiles(under: folder, workspaceID: "")
        guard !files.isEmpty else { throw SlipwayError.notFound("model files", NameRules.printable(location)) }
        var total: Int64 = 0
        for file in files {
            guard file.split(separator: "/").allSatisfy({ Self.isSafe(String($0)) }) else {
                throw SlipwayError.badRequest("the registry listed an unsafe file name under '\(NameRules.printable(location))'")
            }
            let target = destination.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            total += try await client.downloadArtifact(path: folder + "/" + file, to: target, limit: limit - total)
        }
        return .folder(files: files)
    }

    // MARK: - Locations

    /// `<registry>/api/2.0/mlflow-artifacts/artifacts/<path>` → `<path>`, for URLs of this registry.
    func artifactPath(ofURL location: String) -> String? {
        let prefix = client.baseURL.absoluteString + "/api/2.0/mlflow-artifacts/artifacts/"
        guard location.hasPrefix(prefix) else { return nil }
        let path = String(location.dropFirst(prefix.count)).removingPercentEncoding ?? ""
        return path.isEmpty ? nil : path
    }

    func artifactURL(_ path: String) -> String {
        client.baseURL.absoluteString + "/api/2.0/mlflow-artifacts/artifacts/" + MLflowRESTClient.escapedPath(path)
    }

    /// The artifact folder a model source names: `models:/<name>/<version>`, `models:/m-<id>`,
    /// `runs:/<run>/<path>`, `mlflow-artifacts:/<path>` or an artifact URL of this registry.
    func folderPath(ofSource source: String, depth: Int = 0) async throws -> String {
        guard depth < 3 else { throw SlipwayError.badRequest("\(client.displayHost) names '\(NameRules.printable(source))' in a loop") }
        if source.hasPrefix("models:/") {
            let rest = source.dropFirst("models:/".count).split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if rest.count == 2 {
                let answer = try await client.get("model-versions/get-download-uri", query: [("name", rest[0]), ("version", rest[1])])
                guard let uri = answer["artifact_uri"]?.stringValue else {
                    throw SlipwayError.badRequest("\(client.displayHost) gave no download location for \(source)")
                }
                // A registry may answer with the version's source as given (`runs:/…`, `models:/m-…`).
                if uri.hasPrefix("runs:/") || uri.hasPrefix("models:/") { return try await folderPath(ofSource: uri, depth: depth + 1) }
                return try RemoteTrackingReader.artifactPath(of: uri, what: source)
            }
            if rest.count == 1, let path = try await reader.loggedModelArtifactPath(id: rest[0], workspaceID: "") {
                return path
            }
            throw SlipwayError.notFound("model", NameRules.printable(source))
        }
        if source.hasPrefix("runs:/") {
            let rest = source.dropFirst("runs:/".count).split(separator: "/", maxSplits: 1).map(String.init)
            guard let runID = rest.first, let run = try await reader.runSummary(id: runID, workspaceID: "") else {
                throw SlipwayError.notFound("run", NameRules.printable(source))
            }
            return rest.count == 2 ? run.artifactPath + "/" + rest[1] : run.artifactPath
        }
        if let path = artifactPath(ofURL: source) { return path }
        return try RemoteTrackingReader.artifactPath(of: source, what: "'\(NameRules.printable(source))'")
    }

    func downloadFolder(of version: RemoteModelVersion) async throws -> String {
        do {
            return try await folderPath(ofSource: "models:/\(version.name)/\(version.version)")
        } catch let error as SlipwayError where error.kind == .notFound {
            return try await folderPath(ofSource: version.source)
        }
    }

    static func isSafe(_ component: String) -> Bool {
        !component.isEmpty && component != "." && component != ".." && !component.contains("\\") && !component.contains("\0")
    }

    static func version(from value: JSONValue) -> RemoteModelVersion? {
        guard let name = value["name"]?.stringValue, let version = value["version"].flatMap(Self.text) else { return nil }
        return RemoteModelVersion(
            name: name, version: version, status: value["status"]?.stringValue ?? "READY",
            stage: value["current_stage"]?.stringValue, description: value["description"]?.stringValue,
            userID: value["user_id"]?.stringValue, runID: value["run_id"]?.stringValue,
            runLink: value["run_link"]?.stringValue, source: value["source"]?.stringValue ?? "",
            createdAt: RemoteTrackingReader.date(value["creation_timestamp"]),
            updatedAt: RemoteTrackingReader.date(value["last_updated_timestamp"]))
    }

    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): String(Int64(number))
        default: nil
        }
    }
}

/// Opens MLflow registries over HTTP (one shared client).
public struct MLflowRegistryConnector: RemoteModelRegistryConnector {
    public init() {}

    public func registry(url: URL, token: String?) -> any RemoteModelRegistry {
        MLflowModelRegistry(client: MLflowRESTClient(baseURL: url, token: token))
    }
}
