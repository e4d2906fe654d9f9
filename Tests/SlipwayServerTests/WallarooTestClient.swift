import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore

/// Calls of the Wallaroo dialect from HummingbirdTesting clients.
extension TestClientProtocol {
    static var tokenPath: String { "/auth/realms/master/protocol/openid-connect/token" }

    /// `POST` to the token endpoint with a form, authenticating the client with HTTP Basic.
    func tokenRequest(_ fields: [(String, String)], client: String? = "api-client",
                      secret: String = TestServer.clientSecret) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let client {
            headers[.authorization] = "Basic " + Data("\(client):\(secret)".utf8).base64EncodedString()
        }
        let body = fields.map { "\(Self.formEncoded($0.0))=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        return try await execute(uri: Self.tokenPath, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// A password-grant token response (must succeed).
    func passwordGrant(username: String = "admin", password: String = TestServer.adminPassword) async throws -> JSONValue {
        let response = try await tokenRequest([("grant_type", "password"), ("username", username), ("password", password)])
        #expect(response.status == .ok, "\(response.text)")
        return try response.json()
    }

    /// An access token of `username` (must succeed).
    func wallarooToken(username: String = "admin", password: String = TestServer.adminPassword) async throws -> String {
        try #require(try await passwordGrant(username: username, password: password)["access_token"]?.stringValue)
    }

    /// `POST` a JSON body (text, sent as is) to a Wallaroo route.
    func wallaroo(_ path: String, token: String?, body: String = "{}") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// The decoded header and claims of a JWT.
func jwtParts(_ token: String) throws -> (header: JSONValue, claims: JSONValue) {
    let segments = token.split(separator: ".")
    guard segments.count == 3 else { throw SlipwayError.badRequest("not a JWT") }
    func decode(_ segment: Substring) throws -> JSONValue {
        var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { throw SlipwayError.badRequest("not base64url") }
        return try JSONValue.parse(data)
    }
    return (try decode(segments[0]), try decode(segments[1]))
}
