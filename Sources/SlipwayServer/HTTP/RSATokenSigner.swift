import Crypto
import CryptoExtras
import Foundation
import JWTKit
import SlipwayCore

/// Signs and verifies RS256 JWTs with one RSA key, named in every token's header by a `kid`
/// derived from the public key (base64url of the SHA-256 of its DER form). For dialects whose
/// clients expect OpenID Connect style tokens; what the claims say is the dialect's business.
public struct RSATokenSigner: Sendable {
    let keys: JWTKeyCollection
    public let kid: String
    let publicKey: JWTKit.Insecure.RSA.PublicKey

    /// `pem` is a PKCS#1 or PKCS#8 RSA private key (at least 2048 bits).
    public init(privateKeyPEM pem: String) async throws {
        let key = try JWTKit.Insecure.RSA.PrivateKey(pem: pem)
        publicKey = key.publicKey
        kid = Data(SHA256.hash(data: publicKey.derRepresentation)).base64URLEncoded
        keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
    }

    /// A new 2048-bit private key in PEM, for a data directory's first start.
    public static func newPrivateKeyPEM() throws -> String {
        try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)).pemRepresentation
    }

    public func sign(_ payload: some JWTPayload) async throws -> String {
        try await keys.sign(payload, kid: JWKIdentifier(string: kid), header: ["typ": "JWT"])
    }

    /// The payload of a token this key signed and whose claims verify (`Payload.verify`);
    /// anything else is a 401 that says only whether the token expired.
    public func verify<Payload: JWTPayload>(_ token: String, as: Payload.Type) async throws(SlipwayError) -> Payload {
        guard token.utf8.count <= 8192 else { throw .unauthorized("the access token is not valid") }
        do {
            return try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw .unauthorized("the access token has expired")
        } catch {
            throw .unauthorized("the access token is not valid")
        }
    }

    /// The public key as a JSON Web Key Set (`{"keys": [{kid, kty, alg, use, n, e}]}`), for
    /// clients that verify tokens themselves.
    public func jwks() throws -> JSONValue {
        let (modulus, exponent) = try publicKey.getKeyPrimitives()
        return .object(["keys": .array([.object([
            "kid": .string(kid), "kty": .string("RSA"), "alg": .string("RS256"), "use": .string("sig"),
            "n": .string(modulus.base64URLEncoded), "e": .string(exponent.base64URLEncoded),
        ])])])
    }
}

extension Data {
    /// Base64url without padding (RFC 7515).
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
