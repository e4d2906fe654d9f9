import Foundation
import Hummingbird
import SlipwayCore

/// The MLflow REST API: tracking and registry RPCs under `/api/2.0/mlflow/…` (and the UI's
/// `/ajax-api/2.0/mlflow/…`), the proxied artifact service under `/api/2.0/mlflow-artifacts/…`,
/// and the capability probes under `/api/3.0/mlflow/…`. Routing, decoding and response shapes
/// only: every rule lives in the core services.
///
/// Every route is behind `MLflowAuthenticator` (Bearer Slipway SDK token or access token, or
/// Basic user password) and runs in the workspace named by `X-MLFLOW-WORKSPACE` (absent:
/// `default`). Handlers read the caller and workspace with `context.mlflowScope()` and the
/// request message with `request.mlflowMessage()` (query parameters on GET, JSON body
/// otherwise). Route files: `+Server` (probes); each area adds its own `register…` call to
/// `register(on:)` for every prefix in `rpcPrefixes`.
struct MLflowDialect: Dialect {
    let core: CoreServices
    let configuration: ServerConfiguration
    let authenticator: MLflowAuthenticator
    /// The workspaces' artifact trees (the proxied artifact service and `artifacts/list`).
    let artifacts: ArtifactService
    /// What the registry and `artifacts/list` read of tracked runs (`LocalTrackedRuns`).
    let runs: any TrackedRunReading
    /// Signs the part URLs of multipart artifact uploads.
    let signer: URLSigner

    init(_ services: DialectServices) {
        core = services.core
        configuration = services.configuration
        artifacts = services.core.artifacts
        runs = services.core.trackedRuns
        signer = services.signer
        authenticator = MLflowAuthenticator(
            accounts: services.accounts,
            tokens: WallarooTokenIssuer(signer: services.rsaSigner, lifetime: services.configuration.accessTokenLifetime,
                                        accounts: services.accounts))
    }

    /// The RPC prefixes (the client's and the UI's); every RPC is served under both.
    static let rpcPrefixes = ["api/2.0/mlflow", "ajax-api/2.0/mlflow"]
    /// The proxied artifact service, under the same two roots.
    static let artifactPrefixes = ["api/2.0/mlflow-artifacts", "ajax-api/2.0/mlflow-artifacts"]
    /// The MLflow 3 probes and routes.
    static let version3Prefixes = ["api/3.0/mlflow", "ajax-api/3.0/mlflow"]

    static let pathPrefixes = (rpcPrefixes + artifactPrefixes + version3Prefixes).map { "/" + $0 }

    /// Largest JSON body of an RPC (MLflow's own log-batch limit is 1,000,000 bytes).
    static let maxJSONBodyBytes = 1 << 20

    func register(on router: Router<SlipwayRequestContext>) {
        for prefix in Self.rpcPrefixes {
            let group = router.group(RouterPath(prefix)).add(middleware: authenticator)
            registerRegistry(group)
            registerRunArtifacts(group)
        }
        for prefix in Self.artifactPrefixes {
            registerArtifacts(router.group(RouterPath(prefix)).add(middleware: authenticator))
            // Part uploads carry a signed URL instead of credentials.
            registerArtifactParts(router.group(RouterPath(prefix)))
        }
        for prefix in Self.version3Prefixes {
            registerServerInfo(router.group(RouterPath(prefix)))
        }
        for prefix in Self.rpcPrefixes {
            let group = router.group(RouterPath(prefix)).add(middleware: authenticator)
            registerExperiments(group)
            registerRuns(group)
            registerMetrics(group)
            registerLoggedModels(group)
        }
    }
}
