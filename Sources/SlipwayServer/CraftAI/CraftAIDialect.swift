import Foundation
import Hummingbird
import SlipwayCore
import SlipwayRuntime

/// The Craft AI MLOps API, as `craft-ai-sdk` 0.72 speaks it. Routing, decoding and response
/// shapes only: every rule lives in the core services.
struct CraftAIDialect: Sendable {
    let platform: Platform
    let accounts: AccountService
    let steps: StepService
    let pipelines: PipelineService
    let executions: ExecutionService
    let deployments: DeploymentService
    let resources: ResourceMonitor
    let metrics: MetricService
    let dataStore: DataStoreService
    let variables: VariableService
    let issuer: AccessTokenIssuer
    let signer: URLSigner
    let forms: FormReader
    let uploads: MultipartPartStore
    let configuration: ServerConfiguration

    /// Registers the API on `/api/v1` (the `default` environment) and `/environments/:workspace/api/v1`.
    func register(on router: Router<SlipwayRequestContext>) {
        let publicSuffixes = ["/auth/refresh", "/environment-info"]
        let root = router.group("api/v1")
            .add(middleware: AuthMiddleware(issuer: issuer, store: platform.store, workspaceFromPath: false,
                                            publicSuffixes: publicSuffixes))
        routes(root)
        let scoped = router.group("environments/:workspace/api/v1")
            .add(middleware: AuthMiddleware(issuer: issuer, store: platform.store, workspaceFromPath: true,
                                            publicSuffixes: publicSuffixes))
        routes(scoped)
        registerPresigned(on: router)
        registerEndpoints(on: router)
    }

    private func routes(_ group: RouterGroup<SlipwayRequestContext>) {
        registerAuth(group)
        registerSteps(group)
        registerPipelines(group)
        registerExecutions(group)
        registerDeployments(group)
        registerResourceMetrics(group)
        registerMetrics(group)
        registerDataStore(group)
        registerVariables(group)
        registerUnsupported(group)
    }

    /// The base URL as the caller reached us (for presigned URLs), falling back to configuration.
    func baseURL(for request: Request) -> String {
        if configuration.publicURL == nil, let host = request.head.authority, !host.isEmpty,
           host.allSatisfy({ $0.isLetter || $0.isNumber || ".:-[]".contains($0) }) {
            return "http://\(host)"
        }
        return configuration.baseURL
    }

    /// The form reader for step/pipeline creation: the archive part is capped while streaming.
    var archiveForms: FormReader {
        var reader = forms
        reader.maxFileBytes = Int64(platform.limits.maxStepArchiveBytes)
        return reader
    }
}
