import Crypto
import Foundation

/// Signs short-lived capabilities (presigned data-store URLs, archive downloads) with HMAC-SHA256.
/// A capability is `base64url(JSON claims) + "." + base64url(mac)`; it carries its own expiry.
public struct URLSigner: Sendable {
    private let key: SymmetricKey

    public init(key: Data) {
        self.key = SymmetricKey(data: key)
    }

    /// What a capability allows.
    public struct Claims: Codable, Sendable, Equatable {
        /// `upload`, `download`, `part`, `archive`.
        public var op: String
        public var workspaceID: String
        public var path: String?
        public var blob: String?
        public var uploadID: String?
        public var part: Int?
        public var expires: Int64

        public init(op: String, workspaceID: String, path: String? = nil, blob: String? = nil, uploadID: String? = nil,
                    part: Int? = nil, expires: Int64) {
            self.op = op
            self.workspaceID = workspaceID
            self.path = path
            self.blob = blob
            self.uploadID = uploadID
            self.part = part
            self.expires = expires
        }

        enum CodingKeys: String, CodingKey {
            case op, workspaceID = "ws", path = "p", blob = "b", uploadID = "u", part = "n", expires = "e"
        }
    }

    public func sign(_ claims: Claims) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = (try? encoder.encode(claims)) ?? Data()
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Self.base64URL(payload) + "." + Self.base64URL(Data(mac))
    }

    /// Verifies the MAC and the expiry; the error message tells which failed.
    public func verify(_ token: String, op: String, now: Date = Date()) throws(SlipwayError) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.decodeBase64URL(String(parts[0])),
              let mac = Self.decodeBase64URL(String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key),
              let claims = try? JSONDecoder().decode(Claims.self, from: payload)
        else { throw .forbidden("the signature of this URL is not valid") }
        guard claims.op == op else { throw .forbidden("this URL was not signed for this operation") }
        guard Int64(now.timeIntervalSince1970) <= claims.expires else { throw .forbidden("this URL has expired") }
        return claims
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}
