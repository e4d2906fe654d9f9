import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/users/query|invite|activate|deactivate`. Any signed-in user may query;
/// inviting, activating and deactivating are administrators' calls (403 otherwise).
extension WallarooDialect {
    struct UserQueryRequest: Decodable {
        /// Only these users; absent = all. (`workspace_id`, which the seed also sends here, is
        /// ignored as Wallaroo ignores it: `workspaces/list_users` lists a workspace's users.)
        var user_ids: [String]?
    }

    struct InviteRequest: Decodable {
        var email: String
        var password: String?
    }

    struct EmailRequest: Decodable {
        var email: String
    }

    func registerUsers(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("users/query") { request, context -> Response in
            _ = try context.wallarooUser()
            let body = try await request.wallarooBody(UserQueryRequest.self)
            return JSONResponse.make(WallarooUserPresenter.query(try await accounts.users(ids: body.user_ids)))
        }
        api.post("users/invite") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(InviteRequest.self)
            _ = try await accounts.invite(email: body.email, password: body.password, by: caller)
            return JSONResponse.make(.null)
        }
        api.post("users/deactivate") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(EmailRequest.self)
            try await accounts.setEnabled(email: body.email, enabled: false, by: caller)
            tokens.verified.removeAll()  // the user's tokens are refused from the next call on
            return JSONResponse.make(.null)
        }
        api.post("users/activate") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(EmailRequest.self)
            try await accounts.setEnabled(email: body.email, enabled: true, by: caller)
            return JSONResponse.make(.null)
        }
    }
}
