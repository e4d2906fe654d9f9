import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SlipwayCore

/// Calls a remote MLflow tracking server's REST API (`/api/2.0/mlflow/…` RPCs and the proxied
/// artifact service `/api/2.0/mlflow-artifacts/…`) with a Bearer token or Basic credentials.
/// Every failure is a `SlipwayError` that names the server's host and what it answered, never
/// the credentials: unreachable is `unavailable`, the server's 404 `notFound`, its 401/403
/// `badRequest` (the stored credentials are wrong, not the caller's), anything else
/// `badRequest` with the server's own message (truncated, printable).
public struct MLflowRESTClient: Sendable {
    public let baseURL: URL
    private let authorization: String?
    private let http: HTTPClient
    /// Largest JSON answer read (a registry listing or a run with its metrics).
    public static let maxJSONBytes = 64 << 20
    static let timeout: TimeAmount = .seconds(60)

    /// The client for remote MLflow servers: one that is down or unreachable fails the call
    /// within the 5 s connect timeout (the shared client retries connecting until the 60 s
    /// deadline, so a catalog asset naming a stopped server took a minute to generate).
    public static let remoteServers: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init(baseURL: URL, token: String? = nil, username: String? = nil, password: String? = nil,
                http: HTTPClient = MLflowRESTClient.remoteServers) {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.baseURL = URL(string: text) ?? baseURL
        if let token, !token.isEmpty {
            authorization = "Bearer " + token
        } else if let username, let password {
            authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        } else {
            authorization = nil
        }
        self.http = http
    }

    /// The host as shown in messages (no credentials, no path).
    public var displayHost: String {
        let components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        let host = components?.host ?? "the tracking server"
        return components?.port.map { "\(host):\($0)" } ?? host
    }

    /// GET `/api/2.0/mlflow/<rpc>` with `query` (repeated keys allowed).
    public func get(_ rpc: String, query: [(String, String)] = []) async throws -> JSONValue {
        try await json(.GET, path: "/api/2.0/mlflow/" + rpc, query: query, body: nil)
    }

    /// POST `/api/2.0/mlflow/<rpc>` with a JSON body.
    public func post(_ rpc: String, body: JSONValue) async throws -> JSONValue {
        try await json(.POST, path: "/api/2.0/mlflow/" + rpc, query: [], body: body)
    }

    /// The entries of artifact folder `path` of the proxied artifact service (names relative
    /// to `path`).
    public func listArtifacts(path: String) async throws -> [(path: String, isDirectory: Bool, size: Int64?)] {
        let answer = try await json(.GET, path: "/api/2.0/mlflow-artifacts/artifacts", query: [("path", path)], body: nil)
        return (answer["files"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["path"]?.stringValue else { return nil }
            let isDirectory = entry["is_dir"] == .bool(true)
            let size: Int64? = switch entry["file_size"] {
            case .number(let value)?: Int64(value)
            case .string(let text)?: Int64(text)
            default: nil
            }
            return (name, isDirectory, size)
        }
    }

    /// Downloads artifact file `path` into `destination`, refusing more than `limit` bytes;
    /// returns the size.
    @discardableResult
    public func downloadArtifact(path: String, to destination: URL, limit: Int64) async throws -> Int64 {
        let response = try await send(.GET, path: "/api/2.0/mlflow-artifacts/artifacts/" + Self.escapedPath(path),
                                      query: [], body: nil)
        guard response.status == .ok else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw failure(status: response.status, body: body, what: "artifact '\(NameRules.printable(path))'")
        }
        FileManager.default.createFile(atPath: destination.path, contents: nil)
        let handle = try FileHandle(forWritingTo: destination)
        defer { try? handle.close() }
        var size: Int64 = 0
        for try await chunk in response.body {
            size += Int64(chunk.readableBytes)
            guard size <= limit else {
                throw SlipwayError(.payloadTooLarge, "artifact '\(NameRules.printable(path))' on \(displayHost) is larger than \(limit) bytes")
            }
            try handle.write(contentsOf: chunk.readableBytesView)
        }
        return size
    }

    /// The bytes of artifact file `path`, refusing more than `limit` bytes; nil when the server
    /// has no such file.
    public func artifactData(path: String, limit: Int) async throws -> Data? {
        let response = try await send(.GET, path: "/api/2.0/mlflow-artifacts/artifacts/" + Self.escapedPath(path),
                                      query: [], body: nil)
        if response.status == .notFound { return nil }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw SlipwayError(.payloadTooLarge, "artifact '\(NameRules.printable(path))' on \(displayHost) is larger than \(limit) bytes")
        }
        guard response.status == .ok else {
            throw failure(status: response.status, body: body, what: "artifact '\(NameRules.printable(path))'")
        }
        return Data(buffer: body)
    }

    // MARK: - Plumbing

    private func json(_ method: HTTPMethod, path: String, query: [(String, String)], body: JSONValue?) async throws -> JSONValue {
        let response = try await send(method, path: path, query: query, body: body)
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: Self.maxJSONBytes)
        } catch is NIOTooManyBytesError {
            throw SlipwayError.badRequest("\(displayHost) answered \(path) with more than \(Self.maxJSONBytes) bytes")
        }
        guard response.status == .ok else { throw failure(status: response.status, body: bytes, what: path) }
        if bytes.readableBytes == 0 { return .object([:]) }
        guard let value = try? bytes.withUnsafeReadableBytes({ try JSONTextParser.parse($0.bindMemory(to: UInt8.self)) }) else {
            throw SlipwayError.badRequest("\(displayHost) did not answer \(path) with JSON: is it an MLflow tracking server?")
        }
        return value
    }

    private func send(_ method: HTTPMethod, path: String, query: [(String, String)], body: JSONValue?) async throws -> HTTPClientResponse {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw SlipwayError.badRequest("the tracking server URL is not valid")
        }
        let basePath = components.percentEncodedPath
        components.percentEncodedPath = basePath + path
        // Escaped by hand: URLComponents leaves `+`, which servers read as a space.
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        if !query.isEmpty {
            components.percentEncodedQuery = query.map { key, value in
                (key.addingPercentEncoding(withAllowedCharacters: unreserved) ?? key) + "="
                    + (value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value)
            }.joined(separator: "&")
        }
        guard let url = components.url else { throw SlipwayError.badRequest("the tracking server URL is not valid") }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: JSONTextWriter.bytes(of: body)))
        }
        do {
            return try await http.execute(request, timeout: Self.timeout)
        } catch {
            throw SlipwayError(.unavailable, "could not reach the tracking server at \(displayHost)")
        }
    }

    private func failure(status: HTTPResponseStatus, body: ByteBuffer, what: String) -> SlipwayError {
        let answer = (try? body.withUnsafeReadableBytes({ try JSONTextParser.parse($0.bindMemory(to: UInt8.self)) }))
        let code = answer?["error_code"]?.stringValue
        let message = answer?["message"]?.stringValue.map { NameRules.printable($0, limit: 300) }
        let said = [code, message].compactMap { $0 }.joined(separator: ": ")
        let text = "\(displayHost) answered \(what) with HTTP \(status.code)" + (said.isEmpty ? "" : " (\(said))")
        switch status.code {
        case 404: return SlipwayError(.notFound, text)
        case 401, 403: return SlipwayError.badRequest(text + "; check the stored credentials of this tracking server")
        default: return SlipwayError.badRequest(text)
        }
    }

    /// `a/b c/d` → `a/b%20c/d` (each component escaped, separators kept).
    static func escapedPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).map { component in
            String(component).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? String(component)
        }.joined(separator: "/")
    }
}
