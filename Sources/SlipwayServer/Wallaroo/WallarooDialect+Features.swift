import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/features/list`: what the instance enables (values are strings, as Wallaroo's).
extension WallarooDialect {
    func registerFeatures(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("features/list") { request, context -> Response in
            _ = try context.wallarooUser()
            _ = try await request.wallarooBody([String: JSONValue].self)
            return JSONResponse.make(.object([
                "features": .object(["plateau": .string("true")]), "name": .string("Slipway"),
                "is_auth_enabled": .bool(true),
            ]))
        }
    }
}
