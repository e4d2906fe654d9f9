import Foundation
import Hummingbird
import SlipwayCore
import SlipwayRuntime

/// The Craft AI MLOps API, as `craft-ai-sdk` 0.72 speaks it. Routing, decoding and response
/// shapes only: every rule lives in the core services.
struct CraftAIDialect: Dialect {
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

    init(_ services: DialectServices) {
        platform = services.platform
        accounts = services.accounts
        steps = services.steps
        pipelines = services.pipelines
        executions = services.executions
        deployments = services.deployments
        resources = services.resources
        metrics = services.metrics
        dataStore = services.dataStore
        variables = services.variables
        issuer = services.issuer
        signer = services.signer
        forms = services.forms
        uploads = services.uploads
        configuration = services.configuration
    }

    static let pathPrefixes = ["/api/v1", "/environments", "/endpoints", "/presigned"]

    /// What `CraftAiSdk()` reads inside a step: the environment and control URLs, the
    /// execution- or deployment-scoped token, and the execution id of an elastic execution.
    static func workerEnvironment(_ context: WorkerContext, configuration: ServerConfiguration) -> [String: String] {
        var variables = ["CRAFT_AI_ENVIRONMENT_URL": configuration.environmentURL(workspace: context.workspace.name),
                         "CRAFT_AI_CONTROL_URL": configuration.baseURL]
        if let token = context.token { variables["CRAFT_AI_SDK_TOKEN"] = token }
        if let executionID = context.executionID { variables["CRAFT_AI_EXECUTION_ID"] = executionID }
        return variables
    }

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
        registerInferences(group)
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
