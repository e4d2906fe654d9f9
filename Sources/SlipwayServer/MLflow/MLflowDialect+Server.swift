import Foundation
import Hummingbird
import SlipwayCore

extension MLflowDialect {
    /// `server-info` and `server-features`: what a client probes before using workspaces or
    /// multipart artifact uploads.
    func registerServerInfo(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("server-info") { _, context in
            _ = try context.mlflowScope()
            return JSONResponse.make(.object([
                "store_type": .string("SlipwayStore"),
                "workspaces_enabled": .bool(true),
            ]))
        }
        group.get("server-features") { _, context in
            _ = try context.mlflowScope()
            return JSONResponse.make(.object([
                "workspaces_enabled": .bool(true),
                "workspace_header": .string(MLflowAuthenticator.workspaceHeader.rawName),
                "multipart_upload": .bool(true),
            ]))
        }
    }
}
