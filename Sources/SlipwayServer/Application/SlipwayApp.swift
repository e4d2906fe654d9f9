import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SlipwayCore
import SlipwayRuntime
import SlipwayStore

/// Wires stores, runtime, services and dialects into one Hummingbird application.
public struct SlipwayApp: Sendable {
    public let configuration: ServerConfiguration
    public let platform: Platform
    public let accounts: AccountService
    /// Every dialect the server speaks; adding one is one line here.
    static let dialectTypes: [any Dialect.Type] = [CraftAIDialect.self]
    let dialects: [any Dialect]
    let store: SQLMetadataStore
    let residents: SubprocessResidentPool
    let scheduler: PeriodicScheduler
    let resources: ResourceMonitor
    /// Set when this start created the admin token.
    public let createdAdminToken: String?

    public static func build(_ configuration: ServerConfiguration, logger: Logger) async throws -> SlipwayApp {
        let directory = DataDirectory(root: configuration.dataDirectory)
        try directory.prepare()
        let store = try await configuration.database.open(defaultSQLitePath: directory.database.path, logger: logger)
        let blobs = try FileBlobStore(root: directory.blobs)
        let limits = configuration.limits
        let bundles = try LocalCodeBundleStore(root: directory.code, limits: ArchiveLimits(
            maxTotalBytes: Int64(limits.maxStepUnpackedBytes), maxEntries: 10_000))
        let environments = try VirtualEnvironmentProvider(root: directory.environments, logger: logger)
        guard let workerPath = WorkerLocator.pythonPath() else {
            throw SlipwayError.internal("the slipway_worker Python package was not found; set SLIPWAY_WORKER_PATH to the "
                + "folder that contains it")
        }
        let launcher = try SubprocessElasticLauncher(runsRoot: directory.runs, workerPythonPath: workerPath, blobs: blobs,
                                                     logger: logger, maxProcesses: configuration.limits.maxElasticProcesses)
        launcher.removeLeftovers()
        let residents = SubprocessResidentPool(runsRoot: directory.runs, workerPythonPath: workerPath, blobs: blobs,
                                               logger: logger)
        let sealer = SecretSealer(key: try directory.secret(named: "endpoint-tokens.key"))
        let platform = Platform(
            store: store, blobs: blobs, bundles: bundles, environments: environments, launcher: launcher,
            residents: residents, sealer: sealer,
            signals: CompletionSignals(), limits: limits, logger: logger,
            workerEnvironment: { context in
                Self.dialectTypes.reduce(into: [:]) { variables, dialect in
                    variables.merge(dialect.workerEnvironment(context, configuration: configuration)) { _, new in new }
                }
            })
        let accounts = AccountService(store: store)
        let created = try await accounts.bootstrap(adminToken: configuration.adminToken)
        if let created {
            try directory.writePrivate(Data((created + "\n").utf8), to: directory.adminTokenFile)
        }
        let steps = StepService(platform: platform)
        let pipelines = PipelineService(platform: platform, steps: steps)
        let dataStore = DataStoreService(platform: platform)
        let executions = ExecutionService(platform: platform, accounts: accounts, dataStore: dataStore)
        let deployments = DeploymentService(platform: platform, accounts: accounts, executions: executions,
                                            dataStore: dataStore)
        let resources = ResourceMonitor(dataDirectory: directory.root, residents: residents, logger: logger)
        let issuer = await AccessTokenIssuer(secret: try directory.secret(named: "jwt.key"),
                                             lifetime: configuration.accessTokenLifetime)
        let services = DialectServices(
            platform: platform, accounts: accounts, steps: steps, pipelines: pipelines, executions: executions,
            deployments: deployments, resources: resources,
            metrics: MetricService(platform: platform), dataStore: dataStore, variables: VariableService(platform: platform),
            issuer: issuer, signer: URLSigner(key: try directory.secret(named: "url-signing.key")),
            forms: FormReader(temporaryDirectory: directory.uploads, maxFileBytes: limits.maxFileInputBytes),
            uploads: MultipartPartStore(root: directory.uploads), configuration: configuration)
        let dialects = dialectTypes.map { $0.init(services) }
        let recovered = try await executions.recoverInterrupted()
        if recovered > 0 { logger.warning("marked \(recovered) interrupted execution(s) as Error") }
        try await steps.resumePendingBuilds()
        try await deployments.resumeWorkers()
        let scheduler = PeriodicScheduler(platform: platform, deployments: deployments)
        logger.info("Python environments: \(environments.builder); versions \(environments.availablePythonVersions().joined(separator: ", "))")
        return SlipwayApp(configuration: configuration, platform: platform, accounts: accounts, dialects: dialects, store: store,
                          residents: residents, scheduler: scheduler, resources: resources, createdAdminToken: created)
    }

    /// The router with every dialect, health and error handling.
    public func router() -> Router<SlipwayRequestContext> {
        let router = Router(context: SlipwayRequestContext.self)
        router.add(middleware: ExecutorMiddleware())
        router.add(middleware: ErrorMiddleware(dialects: Self.dialectTypes))
        router.get("health") { _, _ -> Response in
            JSONResponse.make(.object(["status": .string("ok")]))
        }
        for dialect in dialects { dialect.register(on: router) }
        return router
    }

    public func application(logger: Logger) -> some ApplicationProtocol {
        let placement = ConnectionPlacement(eventLoopConnections: configuration.eventLoopConnections)
        return Application(router: router(), server: .http1(placement: placement),
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: "slipway"),
                           logger: logger)
    }

    /// Every long-lived part, in start order: on graceful shutdown (SIGTERM, SIGINT) the group
    /// stops them in reverse: the HTTP server stops accepting and finishes the requests in
    /// flight (whose executions are then stored), then the scheduler and the resource sampler
    /// stop, the resident workers are stopped (their running executions get a bounded grace),
    /// and the store closes last.
    public func serviceGroup(logger: Logger) -> ServiceGroup {
        let store = store, residents = residents, resources = resources, scheduler = scheduler
        let services: [any Service] = [
            LifecycleService("store", stop: { await store.close() }),
            LifecycleService("resident workers", stop: { await residents.stopAll() }),
            LifecycleService("resource monitor", start: { await resources.start() }, stop: { await resources.stop() }),
            LifecycleService("scheduler", start: { await scheduler.start() }, stop: { await scheduler.stop() }),
            application(logger: logger),
        ]
        return ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }

    /// Stops every part, for callers that built the app without running its service group (tests).
    public func shutdown() async {
        await scheduler.stop()
        await resources.stop()
        await residents.stopAll()
        await store.close()
    }
}
