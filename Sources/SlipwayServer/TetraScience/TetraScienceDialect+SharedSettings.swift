import Foundation
import Hummingbird
import SlipwayCore

/// `/v1/sharedsettings` and `/v1/secrets`: the organisation's shared settings (plain values)
/// and secrets (write-only values), each with the same four routes:
///
/// - `GET /v1/{kind}` → 200, a JSON array, by name;
/// - `POST /v1/{kind}` with `{"name", "value"}` → 201 when created, 200 when the value of an
///   existing one was replaced (its `version` counts the edits);
/// - `PUT /v1/{kind}/{name}` with `{"value"}` → the same, the name taken from the path;
/// - `GET /v1/{kind}/{name}` → 200 one; `DELETE /v1/{kind}/{name}` → 204.
///
/// A secret's value is never in an answer (not even masked): a secret shows its name, version
/// and times only. Values are strings; a bad name, a missing, empty or oversized value is a
/// 400 or 413 that does not quote the value.
extension TetraScienceDialect {
    enum Kind {
        case setting
        case secret

        var path: String { self == .setting ? "sharedsettings" : "secrets" }
        var what: String { self == .setting ? "shared setting" : "secret" }
    }

    func registerSharedSettings(_ api: RouterGroup<SlipwayRequestContext>) {
        for kind in [Kind.setting, .secret] {
            api.get(RouterPath(kind.path)) { _, context -> Response in
                let (_, workspace) = try context.tetraScienceScope()
                var shown: [JSONValue] = []
                switch kind {
                case .setting:
                    for setting in try await core.settings.list(workspaceID: workspace.id) { shown.append(try await present(setting)) }
                case .secret:
                    for secret in try await core.secrets.list(workspaceID: workspace.id) { shown.append(try await present(secret)) }
                }
                return JSONResponse.make(.array(shown))
            }
            api.post(RouterPath(kind.path)) { request, context -> Response in
                let (user, workspace) = try context.tetraScienceScope()
                let body = try await request.jsonObject(limit: Self.maxJSONBodyBytes)
                guard let name = body["name"]?.stringValue else { throw SlipwayError.badRequest("'name' must be a string") }
                return try await put(kind, name: name, value: body["value"], workspace: workspace, user: user)
            }
            api.put(RouterPath("\(kind.path)/:name")) { request, context -> Response in
                let (user, workspace) = try context.tetraScienceScope()
                let name = try context.parameters.require("name")
                let body = try await request.jsonObject(limit: Self.maxJSONBodyBytes)
                if let named = body["name"], named.stringValue != name {
                    throw SlipwayError.badRequest("'name' in the body must be the \(kind.what) named in the path")
                }
                return try await put(kind, name: name, value: body["value"], workspace: workspace, user: user)
            }
            api.get(RouterPath("\(kind.path)/:name")) { _, context -> Response in
                let (_, workspace) = try context.tetraScienceScope()
                let name = try context.parameters.require("name")
                switch kind {
                case .setting: return JSONResponse.make(try await present(try await core.settings.setting(named: name, workspaceID: workspace.id)))
                case .secret: return JSONResponse.make(try await present(try await core.secrets.secret(named: name, workspaceID: workspace.id)))
                }
            }
            api.delete(RouterPath("\(kind.path)/:name")) { _, context -> Response in
                let (_, workspace) = try context.tetraScienceScope()
                let name = try context.parameters.require("name")
                switch kind {
                case .setting: try await core.settings.delete(name: name, workspaceID: workspace.id)
                case .secret: try await core.secrets.delete(name: name, workspaceID: workspace.id)
                }
                return JSONResponse.empty(.noContent)
            }
        }
    }

    /// Creates or replaces; 201 for a new one, 200 for a replaced value.
    private func put(_ kind: Kind, name: String, value: JSONValue?, workspace: Workspace, user: User) async throws -> Response {
        guard let text = value?.stringValue else { throw SlipwayError.badRequest("'value' of \(kind.what) '\(NameRules.printable(name))' must be a string") }
        switch kind {
        case .setting:
            let setting = try await core.settings.set(name: name, value: text, workspaceID: workspace.id, by: user.id)
            return JSONResponse.make(try await present(setting), status: setting.version == 1 ? .created : .ok)
        case .secret:
            let secret = try await core.secrets.set(name: name, value: text, workspaceID: workspace.id, by: user.id)
            return JSONResponse.make(try await present(secret), status: secret.version == 1 ? .created : .ok)
        }
    }

    func present(_ setting: SharedSetting) async throws -> JSONValue {
        .object([
            "id": .string(setting.id), "name": .string(setting.name), "type": .string("setting"),
            "value": .string(setting.value), "version": .number(Double(setting.version)),
            "createdAt": setting.createdAt.json, "updatedAt": setting.updatedAt.json,
            "lastModifiedBy": try await userName(setting.updatedBy),
        ])
    }

    /// A secret without its value.
    func present(_ secret: Secret) async throws -> JSONValue {
        .object([
            "id": .string(secret.id), "name": .string(secret.name), "type": .string("secret"),
            "version": .number(Double(secret.version)), "createdAt": secret.createdAt.json, "updatedAt": secret.updatedAt.json,
            "lastModifiedBy": try await userName(secret.updatedBy),
        ])
    }

    /// The user's name; null for a value set by an administration command (or a user since removed).
    private func userName(_ id: String?) async throws -> JSONValue {
        guard let id, let user = try await accounts.user(id: id) else { return .null }
        return .string(user.name)
    }
}
