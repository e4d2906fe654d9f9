import Foundation
import Hummingbird
import SlipwayCore

extension MLflowDialect {
    /// What `server-info` (and, for older clients, `server-features`) advertise, with the keys
    /// mlflow 3.17.2 reads (`mlflow/utils/server_info.py`): workspaces are on (selected by
    /// `X-MLFLOW-WORKSPACE`); multipart and presigned artifact transfers are off until the
    /// artifact service offers them, so clients use plain proxied PUT/GET.
    static var serverInfo: JSONValue {
        .object([
            "store_type": .string("SlipwayStore"),
            "workspaces_enabled": .bool(true),
            "workspace_header": .string(MLflowAuthenticator.workspaceHeader.rawName),
            "trace_archival_enabled": .bool(false),
            "multipart_uploads_enabled": .bool(false),
            "multipart_downloads_enabled": .bool(false),
            "presigned_upload_run_id_supported": .bool(false),
            "presigned_upload_model_id_supported": .bool(false),
            "features_enabled": .object(["gateway": .bool(false)]),
        ])
    }

    /// `server-info` and `server-features`: what a client probes before using workspaces or
    /// multipart artifact uploads. They answer without credentials (they show capabilities
    /// only, no data): the client probes with a 3-second timeout, which a first password check
    /// (a slow hash by design) on a busy server could exceed.
    func registerServerInfo(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("server-info") { _, _ in JSONResponse.make(Self.serverInfo) }
        group.get("server-features") { _, _ in JSONResponse.make(Self.serverInfo) }
    }
}
