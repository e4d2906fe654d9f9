import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer
import SlipwayApp

/// A server on a fresh data directory, with the admin SDK token known.
struct TestServer {
    static let adminToken = "test-admin-token-0123456789"
    static let adminPassword = "test-admin-password"
    static let clientSecret = "test-client-secret"
    let root: URL
    var dataDirectory: URL { root.appendingPathComponent("data") }
    let app: SlipwayApp

    init(limits: Limits = Limits(), accessTokenLifetime: TimeInterval = 3600) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        app = try await SlipwayApp.build(
            ServerConfiguration(dataDirectory: root.appendingPathComponent("data"), limits: limits, adminToken: Self.adminToken,
                                adminPassword: Self.adminPassword, clientSecret: Self.clientSecret,
                                accessTokenLifetime: accessTokenLifetime, passwordHasher: .fastForTests),
            logger: Logger(label: "test"))
    }

    /// Runs `body` against the router, then tears down.
    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        do {
            try await app.frontEnd.application(logger: Logger(label: "test")).test(.router, body)
        } catch {
            await app.shutdown()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        await app.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    /// Every file below `url`, as relative paths.
    static func files(under url: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: url.path) else { return [] }
        return enumerator.compactMap { $0 as? String }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func json() throws -> JSONValue { try JSONValue.parse(Data(buffer: body)) }
}

extension TestClientProtocol {
    func accessToken(_ refresh: String = TestServer.adminToken) async throws -> String {
        let response = try await execute(uri: "/api/v1/auth/refresh", method: .post,
                                         headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: #"{"refresh_token":"\#(refresh)"}"#))
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["access_token"]?.stringValue)
    }

    func get(_ uri: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }
}

/// Builds multipart/form-data bodies.
struct Multipart {
    let boundary = "----slipway-test-\(UUID().uuidString)"
    var data = Data()

    mutating func field(_ name: String, _ value: String) {
        data += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func file(_ name: String, fileName: String, _ content: Data) {
        data += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(fileName)\"\r\n".utf8)
        data += Data("Content-Type: application/octet-stream\r\n\r\n".utf8)
        data += content
        data += Data("\r\n".utf8)
    }

    func finished() -> Data { data + Data("--\(boundary)--\r\n".utf8) }
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

/// Makes a .tar.gz with Python's tarfile (any entry names).
func makeTarGz(_ entries: [(String, String)]) throws -> Data {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-tgz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = folder.appendingPathComponent("a.tar.gz")
    let listing = entries.map { "(\(pythonString($0.0)), \(pythonString($0.1)))" }.joined(separator: ", ")
    let script = """
        import io, sys, tarfile
        with tarfile.open(sys.argv[1], "w:gz") as tar:
            for name, text in [\(listing)]:
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, archive.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw SlipwayError.internal("python3 tarfile failed") }
    return try Data(contentsOf: archive)
}

func pythonString(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        .replacingOccurrences(of: "\n", with: "\\n") + "'"
}

@Suite("Craft AI dialect over HTTP")
struct CraftAIDialectTests {
    @Test func health() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json()["status"] == .string("ok"))
        }
    }

    @Test func refreshIssuesJWT() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/api/v1/auth/refresh", method: .post,
                                                    headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(string: #"{"refresh_token":"\#(TestServer.adminToken)"}"#))
            #expect(response.status == .ok)
            let body = try response.json()
            let token = try #require(body["access_token"]?.stringValue)
            let segments = token.split(separator: ".")
            #expect(segments.count == 3)
            var payload = segments[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while payload.count % 4 != 0 { payload += "=" }
            let claims = try JSONValue.parse(try #require(Data(base64Encoded: payload)))
            guard case .number(let exp)? = claims["exp"], case .number(let iat)? = claims["iat"] else {
                Issue.record("exp/iat are not numbers: \(claims)"); return
            }
            #expect(exp - iat >= 600)
            #expect(abs(iat - Date().timeIntervalSince1970) < 120)
            // The token works.
            #expect(try await client.get("/api/v1/steps", token: token).status == .ok)
        }
    }

    @Test(arguments: [#"{"refresh_token":"wrong-token-0000000000000"}"#, #"{"refresh_token":""}"#])
    func refreshWithBadTokenIs401(_ body: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/api/v1/auth/refresh", method: .post,
                                                    headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
            #expect(response.status == .unauthorized)
            let json = try response.json()
            #expect(Set(try #require(json.objectValue).keys) == ["message", "name", "request_id", "additional_data"])
            #expect(json["name"] == .string("Unauthorized"))
            #expect(!response.text.contains("wrong-token"), "the secret is not echoed")
        }
    }

    @Test func refreshWithoutTokenIs400() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/api/v1/auth/refresh", method: .post,
                                                    headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
            #expect(response.status == .badRequest)
        }
    }

    @Test func stepsRequireAuthentication() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let anonymous = try await client.get("/api/v1/steps", token: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(try anonymous.json()["name"] == .string("Unauthorized"))
            #expect(try await client.get("/api/v1/steps", token: "garbage.not.ajwt").status == .unauthorized)
            #expect(try await client.get("/api/v1/steps", token: "garbage").status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/steps", method: .get,
                                             headers: [.authorization: "Basic YWRtaW46YWRtaW4="]).status == .unauthorized)
            // The refresh token itself is not an access token.
            #expect(try await client.get("/api/v1/steps", token: TestServer.adminToken).status == .unauthorized)
            let token = try await client.accessToken()
            var tampered = Array(token)
            tampered[tampered.count - 5] = tampered[tampered.count - 5] == "a" ? "b" : "a"
            #expect(try await client.get("/api/v1/steps", token: String(tampered)).status == .unauthorized)
            let ok = try await client.get("/api/v1/steps", token: token)
            #expect(ok.status == .ok)
            #expect(try ok.json() == .array([]))
        }
    }

    @Test func otherEnvironmentIsRefused() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            let response = try await client.get("/environments/nope/api/v1/steps", token: token)
            #expect(response.status == .notFound || response.status == .forbidden)
            #expect(try await client.get("/environments/default/api/v1/steps", token: token).status == .ok)
            #expect(try await client.get("/environments/default/api/v1/steps", token: nil).status == .unauthorized)
        }
    }

    @Test func malformedMultipartIs400() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            var form = Multipart()
            form.field("step_name", "s1")
            form.field("function_path", "src/main.py")
            form.field("function_name", "run")
            form.file("step_file", fileName: "step.tar.gz", try makeTarGz([("src/main.py", "def run():\n    return {}\n")]))
            let full = form.finished()

            // Wrong boundary in the header.
            let wrongBoundary = try await client.execute(
                uri: "/api/v1/steps", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=not-the-boundary", .authorization: "Bearer \(token)"],
                body: ByteBuffer(data: full))
            #expect(wrongBoundary.status == .badRequest, "\(wrongBoundary.text)")
            // No boundary at all.
            let noBoundary = try await client.execute(
                uri: "/api/v1/steps", method: .post,
                headers: [.contentType: "multipart/form-data", .authorization: "Bearer \(token)"],
                body: ByteBuffer(data: full))
            #expect(noBoundary.status == .badRequest, "\(noBoundary.text)")
            // Truncated in the middle of the file part.
            let truncated = try await client.execute(
                uri: "/api/v1/steps", method: .post,
                headers: [.contentType: "\(form.contentType)", .authorization: "Bearer \(token)"],
                body: ByteBuffer(data: full.prefix(full.count - 60)))
            #expect(truncated.status == .badRequest, "\(truncated.text)")
            #expect(try truncated.json()["name"] == .string("BadRequest"))

            let list = try await client.get("/api/v1/steps", token: token)
            #expect(try list.json() == .array([]))
        }
    }

    @Test func archiveWithDotDotIsRejected() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            var form = Multipart()
            form.field("step_name", "evil-step")
            form.field("function_path", "src/main.py")
            form.field("function_name", "run")
            form.file("step_file", fileName: "step.tar.gz", try makeTarGz([
                ("src/main.py", "def run():\n    return {}\n"),
                ("../evil.py", "print('pwned')\n"),
                ("../../evil.py", "print('pwned')\n"),
            ]))
            let response = try await client.execute(
                uri: "/api/v1/steps", method: .post,
                headers: [.contentType: "\(form.contentType)", .authorization: "Bearer \(token)"],
                body: ByteBuffer(data: form.finished()))
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(try await client.get("/api/v1/steps", token: token).json() == .array([]))
            #expect(try await client.get("/api/v1/steps/evil-step", token: token).status == .notFound)
        }
        let written = TestServer.files(under: server.root).filter { $0.hasSuffix("evil.py") }
        #expect(written.isEmpty, "\(written)")
        #expect(!FileManager.default.fileExists(atPath: server.root.deletingLastPathComponent().appendingPathComponent("evil.py").path))
    }

    @Test func archiveOverLimitIs413() async throws {
        let server = try await TestServer(limits: Limits(maxStepArchiveBytes: 1000))
        try await server.test { client in
            let token = try await client.accessToken()
            // Random text compresses poorly, so the archive is well over 1000 bytes.
            let noise = (0..<8000).map { _ in String(UnicodeScalar(UInt8.random(in: 33...126))) }.joined()
            let archive = try makeTarGz([("src/main.py", "def run():\n    return {}\n# \(noise)\n")])
            #expect(archive.count > 1000)
            var form = Multipart()
            form.field("step_name", "big-step")
            form.field("function_path", "src/main.py")
            form.field("function_name", "run")
            form.file("step_file", fileName: "step.tar.gz", archive)
            let response = try await client.execute(
                uri: "/api/v1/steps", method: .post,
                headers: [.contentType: "\(form.contentType)", .authorization: "Bearer \(token)"],
                body: ByteBuffer(data: form.finished()))
            #expect(response.status == .contentTooLarge, "\(response.text)")
            #expect(try response.json()["name"] == .string("PayloadTooLarge"))
            #expect(try await client.get("/api/v1/steps", token: token).json() == .array([]))
        }
    }

    @Test func dockerfilePathIs400() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            var form = Multipart()
            form.field("step_name", "docker-step")
            form.field("function_path", "src/main.py")
            form.field("function_name", "run")
            form.field("container_config[dockerfile_path]", "Dockerfile")
            form.file("step_file", fileName: "step.tar.gz", try makeTarGz([("src/main.py", "def run():\n    return {}\n")]))
            let response = try await client.execute(
                uri: "/api/v1/steps", method: .post,
                headers: [.contentType: "\(form.contentType)", .authorization: "Bearer \(token)"],
                body: ByteBuffer(data: form.finished()))
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(try response.json()["message"]?.stringValue?.contains("dockerfile_path") == true)
            #expect(try await client.get("/api/v1/steps", token: token).json() == .array([]))
        }
    }

    @Test func unknownPipelineIs404() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            let response = try await client.get("/api/v1/pipelines/no-such-pipeline", token: token)
            #expect(response.status == .notFound)
            #expect(try response.json()["name"] == .string("NotFound"))
            let run = try await client.execute(uri: "/api/v1/pipelines/no-such-pipeline/run", method: .post,
                                               headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                               body: ByteBuffer(string: "{}"))
            #expect(run.status == .notFound, "\(run.text)")
            #expect(try await client.get("/api/v1/pipelines", token: token).json() == .array([]))
            #expect(try await client.get("/api/v1/steps/no-such-step", token: token).status == .notFound)
        }
    }

    @Test func environmentVariables() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            func put(_ body: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/environment-variables", method: .put,
                                         headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                         body: ByteBuffer(string: body))
            }
            let good = try await put(#"{"environment_variables":{"MY_VAR":"v1","NUM":3}}"#)
            #expect(good.status == .ok, "\(good.text)")
            let expected: JSONValue = .array([.object(["name": .string("MY_VAR"), "value": .string("v1")]),
                                              .object(["name": .string("NUM"), "value": .string("3")])])
            #expect(try await client.get("/api/v1/environment-variables", token: token).json() == expected)

            for bad in [#"{"environment_variables":{"1BAD":"x"}}"#, #"{"environment_variables":{"A-B":"x","OK_TOO":"y"}}"#,
                        #"{"environment_variables":{"MY_VAR":{"nested":1}}}"#, #"{"environment_variables":{}}"#,
                        #"{"environment_variables":"x"}"#, "not json"] {
                let response = try await put(bad)
                #expect(response.status == .badRequest, "\(bad) → \(response.status) \(response.text)")
            }
            #expect(try await client.get("/api/v1/environment-variables", token: token).json() == expected,
                    "refused requests change nothing")
        }
    }

    @Test func dataStoreRejectsBadPaths() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            for path in ["../x", "/etc/passwd", "a//b", "a/../../b", ""] {
                let encoded = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path
                let response = try await client.get("/api/v1/data-store/upload?path_to_object=\(encoded)", token: token)
                #expect(response.status == .badRequest, "\(path) → \(response.status)")
            }
            #expect(try await client.get("/api/v1/data-store/upload?path_to_object=../x", token: nil).status == .unauthorized)
            let ok = try await client.get("/api/v1/data-store/upload?path_to_object=dir/file.txt", token: token)
            #expect(ok.status == .ok)
            #expect(try ok.json()["signed_url"]?.stringValue?.contains("/presigned/upload?token=") == true)
        }
    }

    @Test func presignedDownloadWithBadTokenIs403XML() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            let upload = try await client.get("/api/v1/data-store/upload?path_to_object=dir/file.txt", token: token)
            let url = try #require(try upload.json()["signed_url"]?.stringValue)
            let signed = String(try #require(url.split(separator: "token=").last))

            func download(_ capability: String) async throws -> TestResponse {
                try await client.execute(uri: "/presigned/download?token=\(capability)", method: .get)
            }
            // Right signature, wrong operation.
            let wrongOp = try await download(signed)
            #expect(wrongOp.status == .forbidden)
            #expect(wrongOp.text.contains("<Code>AccessDenied</Code>"), "\(wrongOp.text)")
            // Tampered payload.
            var chars = Array(signed)
            chars[3] = chars[3] == "A" ? "B" : "A"
            let tampered = try await download(String(chars))
            #expect(tampered.status == .forbidden)
            #expect(tampered.text.contains("<Code>"))
            #expect(tampered.text.contains("<Error>"))
            #expect(tampered.headers[.contentType]?.contains("xml") == true)
            let missing = try await client.execute(uri: "/presigned/download", method: .get)
            #expect(missing.status == .forbidden)
            #expect(try await client.execute(uri: "/presigned/archive?token=\(signed)", method: .get).status == .forbidden)
        }
    }

    @Test func pipelineTemplatesAreNotImplemented() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            let response = try await client.get("/api/v1/pipeline-templates", token: token)
            #expect(response.status == .notImplemented)
            let message = try #require(try response.json()["message"]?.stringValue)
            #expect(message.contains("pipeline templates"))
            #expect(try await client.get("/api/v1/pipeline-templates", token: nil).status == .unauthorized)
        }
    }

    @Test func unknownRouteIs404JSON() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            let response = try await client.get("/api/v1/definitely-not-a-route", token: token)
            #expect(response.status == .notFound)
        }
    }
}
