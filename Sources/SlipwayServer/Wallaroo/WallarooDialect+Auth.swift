import Foundation
import Hummingbird
import SlipwayCore

/// The Keycloak endpoints Wallaroo clients use, under `/auth/realms/master/protocol/openid-connect`:
/// `token` (grants `password`, `refresh_token`, `client_credentials`), `logout` (ends the
/// session of a refresh token) and `certs` (the public key, as a JWKS).
extension WallarooDialect {
    static let realmPath = "auth/realms/master"
    static let openIDPath = realmPath + "/protocol/openid-connect"
    /// Largest token request form.
    static let maxTokenFormBytes = 64 * 1024

    func registerAuth(on router: Router<SlipwayRequestContext>) {
        router.post(RouterPath(Self.openIDPath + "/token")) { request, context -> Response in
            let form = try await tokenForm(request)
            let client = try clients.authenticate(authorization: request.headers[.authorization], form: form)
            return try await grant(form: form, client: client, issuer: realmURL(for: request),
                                   clientAddress: context.remoteAddress)
        }
        router.post(RouterPath(Self.openIDPath + "/logout")) { request, _ -> Response in
            let form = try await tokenForm(request)
            let client = try clients.authenticate(authorization: request.headers[.authorization], form: form)
            guard let refresh = form["refresh_token"], !refresh.isEmpty else {
                throw WallarooOAuthError.invalidRequest("refresh_token is required")
            }
            try await accounts.signOut(refreshToken: refresh, clientID: client.id)
            return JSONResponse.empty(.noContent)
        }
        router.get(RouterPath(Self.openIDPath + "/certs")) { _, _ -> Response in
            JSONResponse.make(try tokens.signer.jwks())
        }
    }

    /// The form of a token request (last value of a repeated field wins); not a form → 400.
    private func tokenForm(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.collectBody(limit: Self.maxTokenFormBytes)
        do {
            return Dictionary(try URLEncodedForm.parse(buffer.readableBytesView), uniquingKeysWith: { _, last in last })
        } catch {
            throw WallarooOAuthError.invalidRequest("the body must be an application/x-www-form-urlencoded form")
        }
    }

    private func grant(form: [String: String], client: WallarooClients.Client, issuer: String,
                       clientAddress: String?) async throws -> Response {
        switch form["grant_type"] {
        case "password":
            guard let username = form["username"], let password = form["password"] else {
                throw WallarooOAuthError.invalidRequest("username and password are required")
            }
            let longLived = (form["scope"] ?? "").split(separator: " ").contains("offline_access")
            let session: SignedInSession
            do {
                session = try await accounts.signIn(login: username, password: password, clientID: client.id,
                                                    longLived: longLived)
            } catch let error as SlipwayError where error.kind == .unauthorized {
                throw WallarooOAuthError.grant(error)
            }
            return try await tokenResponse(for: session, longLived: longLived, issuer: issuer)
        case "refresh_token":
            guard let refresh = form["refresh_token"], !refresh.isEmpty else {
                throw WallarooOAuthError.invalidRequest("refresh_token is required")
            }
            let session: SignedInSession
            do {
                session = try await accounts.refreshSession(refreshToken: refresh, clientID: client.id)
            } catch let error as SlipwayError where error.kind == .unauthorized {
                throw WallarooOAuthError.grant(error)
            }
            let longLived = session.refreshExpiresAt.timeIntervalSinceNow > AccountService.sessionTokenLifetime
            return try await tokenResponse(for: session, longLived: longLived, issuer: issuer)
        case "client_credentials":
            guard client.isConfidential else {
                throw WallarooOAuthError.unauthorizedClient("client '\(client.id)' may not use client_credentials")
            }
            let access = try await tokens.clientToken(clientID: client.id, clientAddress: clientAddress, issuer: issuer)
            return JSONResponse.make(.object([
                "access_token": .string(access), "expires_in": .number(tokens.lifetime), "refresh_expires_in": .number(0),
                "token_type": .string("Bearer"), "not-before-policy": .number(0), "scope": .string("profile email"),
            ]), headers: Self.noStore)
        case nil:
            throw WallarooOAuthError.invalidRequest("grant_type is required")
        case let other?:
            throw WallarooOAuthError.unsupportedGrantType("grant type '\(NameRules.printable(other))' is not supported")
        }
    }

    /// Keycloak's token response (it is never cached).
    private func tokenResponse(for session: SignedInSession, longLived: Bool, issuer: String) async throws -> Response {
        let access = try await tokens.userToken(for: session, issuer: issuer)
        let refreshLifetime = max(0, session.refreshExpiresAt.timeIntervalSinceNow.rounded())
        return JSONResponse.make(.object([
            "access_token": .string(access), "expires_in": .number(tokens.lifetime),
            "refresh_expires_in": .number(longLived ? 0 : refreshLifetime), "refresh_token": .string(session.refreshToken),
            "token_type": .string("Bearer"), "not-before-policy": .number(0), "session_state": .string(session.sessionID),
            "scope": .string(longLived ? "offline_access profile email" : "profile email"),
        ]), headers: Self.noStore)
    }

    static let noStore: HTTPFields = [.cacheControl: "no-store", .init("Pragma")!: "no-cache"]

    /// The realm URL as the caller reached us (the tokens' `iss`), else the configured one.
    func realmURL(for request: Request) -> String {
        var base = configuration.baseURL
        if configuration.publicURL == nil, let host = request.head.authority, !host.isEmpty,
           host.allSatisfy({ $0.isLetter || $0.isNumber || ".:-[]".contains($0) }) {
            base = "http://\(host)"
        }
        return base + "/" + Self.realmPath
    }
}
