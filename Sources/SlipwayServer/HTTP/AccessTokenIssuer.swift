import Foundation
import Crypto
import JWTKit
import SlipwayCore

/// Signs and verifies short-lived access tokens (HS256 JWTs) derived from refresh tokens.
public struct AccessTokenIssuer: Sendable {
    let keys: JWTKeyCollection
    public let lifetime: TimeInterval

    struct Payload: JWTPayload {
        var sub: SubjectClaim
        var ws: String
        var scope: String
        var exe: String?
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    public init(secret: Data, lifetime: TimeInterval = 3600) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: secret)), digestAlgorithm: .sha256)
        self.lifetime = lifetime
    }

    public func issue(for principal: Principal, now: Date = Date()) async throws -> String {
        let payload = Payload(sub: .init(value: principal.userID), ws: principal.workspaceID, scope: principal.kind.rawValue,
                              exe: principal.executionID, iat: .init(value: now),
                              exp: .init(value: now.addingTimeInterval(lifetime)))
        return try await keys.sign(payload)
    }

    public func verify(_ token: String) async throws(SlipwayError) -> Principal {
        guard token.utf8.count <= 4096 else { throw .unauthorized("the access token is not valid") }
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw .unauthorized("the access token has expired")
        } catch {
            throw .unauthorized("the access token is not valid")
        }
        guard let kind = TokenKind(rawValue: payload.scope) else { throw .unauthorized("the access token is not valid") }
        return Principal(userID: payload.sub.value, workspaceID: payload.ws, kind: kind, executionID: payload.exe)
    }
}
