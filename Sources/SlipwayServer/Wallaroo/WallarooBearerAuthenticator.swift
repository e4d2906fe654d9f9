import Foundation
import Hummingbird
import SlipwayCore

/// Resolves `Authorization: Bearer <access token>` on every `/v1/api` route into the core's
/// `Caller` (kept in the request context). A missing, malformed, foreign-signed or expired
/// token, or one whose user is gone or disabled, is a 401 before the route runs. Whether an
/// inference client may call a route is the route's decision (`wallarooUser()` refuses it).
struct WallarooBearerAuthenticator: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    let tokens: WallarooTokenIssuer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw SlipwayError.unauthorized("missing Authorization header: send 'Authorization: Bearer <access token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw SlipwayError.unauthorized("the Authorization header must be 'Bearer <access token>'")
        }
        var context = context
        context.caller = try await tokens.caller(for: String(parts[1]).trimmingCharacters(in: .whitespaces))
        return try await next(request, context)
    }
}

extension SlipwayRequestContext {
    /// The caller of a Wallaroo route, user or inference client.
    func wallarooCaller() throws -> Caller {
        guard let caller else { throw SlipwayError.unauthorized("authentication required") }
        return caller
    }

    /// The user calling a Wallaroo route; an inference client is refused (403).
    func wallarooUser() throws -> User {
        try wallarooCaller().requireUser()
    }
}
