import AsyncHTTPClient
import Foundation
import SlipwayCore

/// Reads runs, logged models and artifacts from a remote MLflow tracking server (one that
/// serves its artifacts, `mlflow server` by default): the `TrackedRunReading` of a tracking
/// server named by URL. The workspace argument is ignored: the credentials decide what the
/// server shows.
public struct RemoteTrackingReader: TrackedRunReading {
    public let client: MLflowRESTClient

    public init(baseURL: URL, token: String? = nil, username: String? = nil, password: String? = nil,
                http: HTTPClient = MLflowRESTClient.remoteServers) {
        client = MLflowRESTClient(baseURL: baseURL, token: token, username: username, password: password, http: http)
    }

    public init(client: MLflowRESTClient) {
        self.client = client
    }

    public func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary? {
        let answer: JSONValue
        do {
            answer = try await client.get("runs/get", query: [("run_id", id)])
        } catch let error as SlipwayError where error.kind == .notFound {
            return nil
        }
        guard let run = answer["run"], let info = run["info"] else { return nil }
        let experimentID = info["experiment_id"]?.stringValue ?? ""
        let experimentName = try? await client.get("experiments/get", query: [("experiment_id", experimentID)])["experiment"]?["name"]?.stringValue
        let data = run["data"]
        return TrackedRunSummary(
            runID: info["run_id"]?.stringValue ?? id, experimentID: experimentID,
            experimentName: experimentName ?? experimentID, name: info["run_name"]?.stringValue ?? "",
            status: info["status"]?.stringValue ?? "RUNNING",
            startTime: Self.date(info["start_time"]) ?? Date(timeIntervalSince1970: 0), endTime: Self.date(info["end_time"]),
            userID: info["user_id"]?.stringValue ?? "",
            params: Self.pairs(data?["params"]), metrics: Self.latestMetrics(data?["metrics"]),
            tags: Self.pairs(data?["tags"]),
            artifactPath: try Self.artifactPath(of: info["artifact_uri"]?.stringValue ?? "", what: "run \(id)"))
    }

    public func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String? {
        let answer: JSONValue
        do {
            answer = try await client.get("logged-models/" + MLflowRESTClient.escapedPath(id))
        } catch let error as SlipwayError where error.kind == .notFound {
            return nil
        }
        guard let uri = answer["model"]?["info"]?["artifact_uri"]?.stringValue else { return nil }
        return try Self.artifactPath(of: uri, what: "logged model \(id)")
    }

    /// Walks the folder breadth first; at most `maxFiles` files are listed.
    public func artifactFiles(under path: String, workspaceID: String) async throws -> [String] {
        var files: [String] = []
        var folders = [""]
        while let folder = folders.popLast() {
            let listed = try await client.listArtifacts(path: folder.isEmpty ? path : path + "/" + folder)
            for entry in listed {
                let name = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
                guard !name.isEmpty, name != ".", name != ".." else { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                if entry.isDirectory { folders.append(relative) } else { files.append(relative) }
                guard files.count <= Self.maxFiles else {
                    throw SlipwayError.badRequest("artifact folder '\(NameRules.printable(path))' on \(client.displayHost) has more than \(Self.maxFiles) files")
                }
            }
        }
        return files.sorted()
    }

    public func artifactFile(_ path: String, workspaceID: String, limit: Int) async throws -> Data? {
        try await client.artifactData(path: path, limit: limit)
    }

    static let maxFiles = 10_000

    /// The artifact path behind a run's or model's artifact URI: `mlflow-artifacts:/1/abc/artifacts`
    /// or `http(s)://host/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts` → `1/abc/artifacts`.
    /// Other stores (`s3://`, `file:`) are not reachable through the tracking server.
    static func artifactPath(of uri: String, what: String) throws -> String {
        if uri.hasPrefix("mlflow-artifacts:") {
            var rest = uri.dropFirst("mlflow-artifacts:".count)
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
            }
            return String(rest.drop(while: { $0 == "/" }))
        }
        if let range = uri.range(of: "/mlflow-artifacts/artifacts/"), uri.hasPrefix("http") {
            return String(uri[range.upperBound...])
        }
        let scheme = uri.split(separator: ":").first.map(String.init) ?? uri
        throw SlipwayError.badRequest(
            "the artifacts of \(what) are stored at a '\(NameRules.printable(scheme))' location the tracking server does not serve; start it with proxied artifacts (mlflow server --serve-artifacts)")
    }

    static func pairs(_ value: JSONValue?) -> [String: String] {
        var pairs: [String: String] = [:]
        for entry in value?.arrayValue ?? [] {
            if let key = entry["key"]?.stringValue { pairs[key] = entry["value"]?.stringValue ?? "" }
        }
        return pairs
    }

    /// `runs/get` lists each metric's latest value once; if a server lists several, the one of
    /// the highest step (then the latest time) wins.
    static func latestMetrics(_ value: JSONValue?) -> [String: Double] {
        var best: [String: (step: Double, time: Double, value: Double)] = [:]
        for entry in value?.arrayValue ?? [] {
            guard let key = entry["key"]?.stringValue else { continue }
            let number: Double = switch entry["value"] {
            case .number(let value)?: value
            case .string(let text)?: Double(text) ?? .nan
            default: .nan
            }
            let step = entry["step"].flatMap(Self.number) ?? 0, time = entry["timestamp"].flatMap(Self.number) ?? 0
            if let current = best[key], (current.step, current.time) > (step, time) { continue }
            best[key] = (step, time, number)
        }
        return best.mapValues(\.value)
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let number): number
        case .string(let text): Double(text)
        default: nil
        }
    }

    static func date(_ value: JSONValue?) -> Date? {
        guard let milliseconds = value.flatMap(Self.number), milliseconds > 0 else { return nil }
        return Date(timeIntervalSince1970: milliseconds / 1000)
    }
}
