import Crypto
import Foundation
import Hummingbird
import SlipwayCore

/// The OAuth clients the token endpoint knows, as a Wallaroo instance's Keycloak has them:
/// `api-client`, confidential (it must present Slipway's client secret, and may get inference
/// tokens with `client_credentials`), and `sdk-client`, public (the Wallaroo SDK's; no secret).
struct WallarooClients: Sendable {
    static let confidentialClientID = "api-client"
    static let publicClientID = "sdk-client"

    /// SHA-256 of the client secret: compared in constant time, never kept in clear here.
    private let secretDigest: SHA256.Digest

    init(secret: String) {
        secretDigest = SHA256.hash(data: Data(secret.utf8))
    }

    /// An authenticated client.
    struct Client: Sendable, Equatable {
        var id: String
        var isConfidential: Bool
    }

    /// The client of a token request: from HTTP Basic (`client_id:client_secret`) or, failing
    /// that, the form's `client_id`/`client_secret`. Unknown clients and wrong or missing
    /// secrets of the confidential client are `invalid_client` (401).
    func authenticate(authorization: String?, form: [String: String]) throws(WallarooOAuthError) -> Client {
        var id = form["client_id"]
        var secrets = form["client_secret"].map { [$0] } ?? []
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                  let decoded = Data(base64Encoded: String(parts[1])).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":")
            else { throw .invalidClient("the Authorization header must be HTTP Basic client_id:client_secret") }
            id = Self.formDecoded(String(decoded[..<colon]))
            let secret = String(decoded[decoded.index(after: colon)...])
            secrets = [secret, Self.formDecoded(secret)]
        }
        switch id {
        case Self.confidentialClientID:
            guard secrets.contains(where: matches) else { throw .invalidClient("Invalid client or Invalid client credentials") }
            return Client(id: Self.confidentialClientID, isConfidential: true)
        case Self.publicClientID:
            return Client(id: Self.publicClientID, isConfidential: false)
        case nil:
            throw .invalidClient("client authentication is required: send HTTP Basic client_id:client_secret")
        default:
            throw .invalidClient("Invalid client or Invalid client credentials")
        }
    }

    private func matches(_ secret: String) -> Bool {
        let given = SHA256.hash(data: Data(secret.utf8))
        return zip(given, secretDigest).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// RFC 6749 §2.3.1 form-encodes Basic credentials; most clients send them as they are, so
    /// a secret is compared both ways.
    private static func formDecoded(_ text: String) -> String {
        (try? URLEncodedForm.decodeComponent(Array(text.utf8))) ?? text
    }
}
