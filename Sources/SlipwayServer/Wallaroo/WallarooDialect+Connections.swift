import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/connections/create|add_to_workspace|list|get|get_by_id|remove_from_workspace|
/// delete` (protocol reference §12, flow 7): records of external data sources that
/// orchestrations read. A connection is created attached nowhere, then added to workspaces
/// (the answer's `id` is the attachment's, not the connection's). `details` are sealed at rest
/// and shown masked (contracts: at most the last four characters of each value);
/// `remove_from_workspace` and `delete` answer 204 with no body, and `delete` is refused (409)
/// while the connection is attached to a workspace. `get_by_id` also accepts a name, as the
/// seed's example sends one.
extension WallarooDialect {
    struct CreateConnectionBody: Decodable {
        var name: String
        var type: String
        var details: JSONValue
    }

    struct ConnectionWorkspaceBody: Decodable {
        var workspace_id: FlexibleInt
        var connection_id: String
    }

    struct ConnectionListBody: Decodable {
        var workspace_id: FlexibleInt
    }

    struct ConnectionNameBody: Decodable {
        var name: String
    }

    struct ConnectionIDBody: Decodable {
        var id: String
    }

    func registerConnections(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("connections/create") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(CreateConnectionBody.self)
            let connection = try await core.connections.create(name: body.name, type: body.type, details: body.details, by: user)
            return JSONResponse.make(.object(["id": .string(connection.id)]))
        }
        api.post("connections/add_to_workspace") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ConnectionWorkspaceBody.self)
            let connection = try await core.connections.connection(id: body.connection_id, visibleTo: user)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let attachment = try await core.connections.attach(connection, to: workspace)
            return JSONResponse.make(.object(["id": .string(attachment)]))
        }
        api.post("connections/list") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ConnectionListBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            var shown: [JSONValue] = []
            for connection in try await core.connections.connections(in: workspace) {
                shown.append(try await present(connection, to: user))
            }
            return JSONResponse.make(.object(["connections": .array(shown)]))
        }
        api.post("connections/get") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ConnectionNameBody.self)
            let connection = try await core.connections.connection(named: body.name, visibleTo: user)
            return JSONResponse.make(try await present(connection, to: user))
        }
        api.post("connections/get_by_id") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ConnectionIDBody.self)
            let connection: Connection
            if UUID(uuidString: body.id) == nil {
                connection = try await core.connections.connection(named: body.id, visibleTo: user)
            } else {
                connection = try await core.connections.connection(id: body.id, visibleTo: user)
            }
            return JSONResponse.make(try await present(connection, to: user))
        }
        api.post("connections/remove_from_workspace") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ConnectionWorkspaceBody.self)
            let connection = try await core.connections.connection(id: body.connection_id, visibleTo: user)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            try await core.connections.detach(connection, from: workspace)
            return JSONResponse.empty(.noContent)
        }
        api.post("connections/delete") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ConnectionNameBody.self)
            let connection = try await core.connections.connection(named: body.name, visibleTo: user)
            try await core.connections.delete(connection)
            return JSONResponse.empty(.noContent)
        }
    }

    /// A connection as the seed prints it, `details` masked; `workspace_names` lists the
    /// workspaces it is attached to that `user` may see (all of them for administrators).
    func present(_ connection: Connection, to user: User) async throws -> JSONValue {
        var names: [String] = []
        for id in connection.workspaceIDs {
            guard let workspace = try await accounts.workspace(id: id) else { continue }
            if user.isAdministrator {
                names.append(workspace.name)
            } else if try await accounts.member(userID: user.id, workspaceID: id) != nil {
                names.append(workspace.name)
            }
        }
        return .object([
            "id": .string(connection.id), "name": .string(connection.name), "type": .string(connection.type.rawValue),
            "details": try core.connections.maskedDetails(of: connection),
            "created_at": .string(WallarooTimestamp.entity(connection.createdAt)),
            "workspace_names": .array(names.sorted().map(JSONValue.string)),
        ])
    }
}
