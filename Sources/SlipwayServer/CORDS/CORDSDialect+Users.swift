import Crypto
import Foundation
import Hummingbird
import SlipwayCore

extension CORDSDialect {
    /// `POST register` (open): `{"email", "password", "first_name", "last_name", "role"}` → 201
    /// with the user and their own workspace. `POST get-auth-token` (HTTP Basic
    /// email:password, `?workspace=` optional) → `{"token", "workspace"}`. `GET me` (bearer).
    func registerUsers(_ users: RouterGroup<SlipwayRequestContext>) {
        users.post("register") { request, _ -> Response in
            guard configuration.openRegistration else {
                throw SlipwayError.forbidden("registration is turned off on this server: ask an administrator for an account")
            }
            let body = try await CORDSRequestBody(request)
            let email = try body.requiredString("email")
            let password = try body.requiredString("password")
            let role = try body.string("role")
            if let role, !NameRules.isPrintableLabel(role, maximumBytes: 255) {
                throw SlipwayError.badRequest("role must be 1 to 255 characters without control characters")
            }
            let registration = try await accounts.register(email: email, password: password,
                                                           firstName: try body.string("first_name"),
                                                           lastName: try body.string("last_name"))
            try await core.platform.store.setCatalogUserProfile(CatalogUserProfile(userID: registration.user.id, role: role))
            var answer = CORDSPresenter.user(registration.user, role: role).objectValue ?? [:]
            answer["workspace"] = .string(registration.workspace.name)
            answer["message"] = .string("user registered")
            return JSONResponse.make(.object(answer), status: .created)
        }

        users.post("get-auth-token") { request, _ -> Response in
            let user = try await basicUser(request.headers[.authorization])
            let workspace: Workspace
            if let name = request.cordsQuery("workspace") {
                guard let named = try await accounts.workspace(named: name),
                      try await accounts.member(userID: user.id, workspaceID: named.id) != nil else {
                    throw SlipwayError.forbidden("you are not a member of workspace '\(NameRules.printable(name))'")
                }
                workspace = named
            } else {
                guard let home = try await accounts.homeWorkspace(of: user) else {
                    throw SlipwayError.forbidden("you are not a member of any workspace")
                }
                workspace = home
            }
            let token = try await accounts.issueUserToken(userID: user.id, workspaceID: workspace.id)
            return JSONResponse.make(.object(["token": .string(token), "workspace": .string(workspace.name),
                                              "user_id": .string(user.id)]))
        }

        users.add(middleware: CORDSAuthenticator(accounts: accounts)).get("me") { _, context -> Response in
            let (user, workspace) = try context.cordsScope()
            let role = try await core.platform.store.catalogUserProfiles(userIDs: [user.id]).first?.role
            var answer = CORDSPresenter.user(user, role: role).objectValue ?? [:]
            answer["workspace"] = .string(workspace.name)
            return JSONResponse.make(.object(answer))
        }
    }

    /// The user of `Authorization: Basic base64(email:password)`; every failure is the same 401.
    private func basicUser(_ header: String?) async throws -> User {
        guard let header else {
            throw SlipwayError.unauthorized("missing Authorization header: send HTTP Basic email:password")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", parts[1].utf8.count <= 2048,
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw SlipwayError.unauthorized("the Authorization header must be HTTP Basic email:password") }
        do {
            return try await accounts.verifyPassword(login: String(text[..<colon]),
                                                     password: String(text[text.index(after: colon)...]))
        } catch let error as SlipwayError where error.kind == .unauthorized {
            throw SlipwayError.unauthorized("invalid credentials")
        }
    }

    /// Creators of assets as user objects, by user id.
    func creators(of ids: [String]) async throws -> [String: JSONValue] {
        let unique = Array(Set(ids))
        let users = try await accounts.users(ids: unique)
        let roles = Dictionary(uniqueKeysWithValues: try await core.platform.store.catalogUserProfiles(userIDs: unique)
            .map { ($0.userID, $0.role) })
        return Dictionary(uniqueKeysWithValues: users.map { ($0.id, CORDSPresenter.user($0, role: roles[$0.id] ?? nil)) })
    }
}
