import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SlipwayCore
import SlipwayRuntime
import SlipwayServer
import SlipwayStore

/// The composition root: opens the stores, starts the runtime, wires the core services and the
/// HTTP front end, and runs every long-lived part in one `ServiceGroup`.
public struct SlipwayApp: Sendable {
    public let configuration: ServerConfiguration
    public let core: CoreServices
    public let frontEnd: HTTPFrontEnd
    let store: SQLMetadataStore
    let residents: SubprocessResidentPool
    let standbys: StandbyWorkers?
    let scheduler: PeriodicScheduler
    let resources: ResourceMonitor
    /// Set when this start created the admin token.
    public let createdAdminToken: String?
    /// Set when this start generated the administrator's password (written to `admin-password`).
    public let generatedAdminPassword: Bool

    public var platform: Platform { core.platform }
    public var accounts: AccountService { core.accounts }

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
                                                     logger: logger, maxProcesses: configuration.limits.maxElasticProcesses,
                                                     standby: configuration.limits.elasticStandbyWorkers > 0
                                                         ? StandbyWorkers.Limits(total: configuration.limits.elasticStandbyWorkers) : nil)
        launcher.removeLeftovers()
        let residents = SubprocessResidentPool(runsRoot: directory.runs, workerPythonPath: workerPath, blobs: blobs,
                                               logger: logger)
        let sealer = SecretSealer(key: try directory.sealingKey())
        let platform = Platform(
            store: store, blobs: blobs, bundles: bundles, environments: environments, launcher: launcher,
            residents: residents, sealer: sealer,
            signals: CompletionSignals(), limits: limits, logger: logger,
            workerEnvironment: { context in HTTPFrontEnd.workerEnvironment(context, configuration: configuration) },
            models: LocalModelArtifacts(root: directory.models, pythonPath: workerPath,
                                        defaultPythonVersion: environments.defaultPythonVersion),
            cpuLimiter: CgroupCPULimiter(), remoteRegistries: MLflowRegistryConnector(),
            programs: LocalProgramLauncher(runsRoot: directory.runs, workerPythonPath: workerPath, logger: logger))
        // The catalog reads remote MLflow tracking servers an asset names (its own tracking
        // is the core's `LocalTrackedRuns`).
        let trackedRuns = TrackedRunSources(local: nil, remote: { RemoteTrackingReader(baseURL: $0) })
        let core = CoreServices(platform: platform, passwords: configuration.passwordHasher, trackedRuns: trackedRuns)
        let (created, generatedPassword) = try await Self.prepareAccounts(
            core.accounts, directory: directory, adminToken: configuration.adminToken,
            adminPassword: configuration.adminPassword)
        let clientSecret = try configuration.clientSecret
            ?? directory.privateText(at: directory.clientSecretFile) { SecretTokens.make(prefix: "", bytes: 32) }
        let rsaKey = try directory.privateText(at: directory.rsaSigningKeyFile, create: RSATokenSigner.newPrivateKeyPEM)
        let resources = ResourceMonitor(dataDirectory: directory.root, residents: residents, logger: logger)
        let frontEnd = try await HTTPFrontEnd.make(
            core: core, resources: resources,
            keys: .init(accessTokens: try directory.secret(named: "jwt.key"),
                        signedURLs: try directory.secret(named: "url-signing.key"),
                        rsaAccessTokens: rsaKey, clientSecret: clientSecret),
            uploads: directory.uploads, configuration: configuration)
        let recovered = try await core.executions.recoverInterrupted()
        if recovered > 0 { logger.warning("marked \(recovered) interrupted execution(s) as Error") }
        try await core.steps.resumePendingBuilds()
        try await core.codePackages.resumePendingBuilds()
        try await core.jobs.recoverInterrupted()
        try await core.deployments.resumeWorkers()
        try await core.serving.resume()
        let scheduler = PeriodicScheduler(platform: platform, deployments: core.deployments, jobs: core.jobs, assays: core.assays,
                                          assayInterval: configuration.assayInterval, captures: core.captures,
                                          captureInterval: configuration.captureInterval, workflows: core.fileWorkflows,
                                          retention: InferenceRetentionService(
                                              platform: platform, serverDefault: configuration.inferenceRetention),
                                          retentionInterval: configuration.retentionInterval)
        logger.info("Python environments: \(environments.builder); versions \(environments.availablePythonVersions().joined(separator: ", "))")
        return SlipwayApp(configuration: configuration, core: core, frontEnd: frontEnd, store: store, residents: residents,
                          standbys: launcher.standby,
                          scheduler: scheduler, resources: resources, createdAdminToken: created,
                          generatedAdminPassword: generatedPassword)
    }

    /// First-start accounts of a data directory: the default workspace, the administrator and
    /// their SDK token (written to `admin-token`), and the administrator's password (chosen,
    /// or generated and written to `admin-password`; also given to the administrator of a data
    /// directory made before passwords existed). Returns the token created, if any, and whether
    /// a password was generated.
    public static func prepareAccounts(_ accounts: AccountService, directory: DataDirectory, adminToken: String?,
                                       adminPassword: String?) async throws -> (String?, Bool) {
        let created = try await accounts.bootstrap(adminToken: adminToken)
        if let created {
            try directory.writePrivate(Data((created + "\n").utf8), to: directory.adminTokenFile)
        }
        if case .generated(let password) = try await accounts.ensureAdminPassword(chosen: adminPassword) {
            try directory.writePrivate(Data((password + "\n").utf8), to: directory.adminPasswordFile)
            return (created, true)
        }
        return (created, false)
    }

    /// The router with every dialect, health and error handling.
    public func router() -> Router<SlipwayRequestContext> {
        frontEnd.router()
    }

    /// Every long-lived part, in start order: on graceful shutdown (SIGTERM, SIGINT) the group
    /// stops them in reverse: the HTTP server stops accepting and finishes the requests in
    /// flight (whose executions are then stored), then the scheduler and the resource sampler
    /// stop, the standby interpreters and the resident workers are stopped (running executions
    /// of residents get a bounded grace), and the store closes last.
    public func serviceGroup(logger: Logger) -> ServiceGroup {
        let store = store, residents = residents, resources = resources, scheduler = scheduler, serving = core.serving
        let standbys = standbys
        // One router (one set of dialects) for the TCP listener and the Unix socket.
        let router = frontEnd.router()
        var services: [any Service] = [
            LifecycleService("store", stop: { await store.close() }),
            LifecycleService("resident workers", stop: { await residents.stopAll() }),
            LifecycleService("standby workers", stop: { standbys?.stopAll() }),
            LifecycleService("model serving", stop: { await serving.shutdown() }),
            LifecycleService("resource monitor", start: { await resources.start() }, stop: { await resources.stop() }),
            LifecycleService("scheduler", start: { await scheduler.start() }, stop: { await scheduler.stop() }),
            // After the router is built: the dialects have registered their workflow engines.
            LifecycleService("interrupted workflows", start: { await self.resumeInterruptedWorkflows(logger: logger) }, stop: {}),
            frontEnd.application(router: router, logger: logger),
        ]
        if let socket = frontEnd.socketApplication(router: router, logger: logger) {
            // Steps cut off from the network need it; the rest of the server does not.
            services.append(OptionalService(name: "the API's Unix socket", inner: socket, logger: logger))
        }
        return ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }

    /// On an embedded database this process is the only node: the workflows its previous process
    /// left running are taken up at once instead of when their claims expire.
    private func resumeInterruptedWorkflows(logger: Logger) async {
        guard case .sqlite = configuration.database else { return }
        do {
            let resumed = try await core.fileWorkflows.resumeOwnInterrupted()
            if resumed > 0 { logger.warning("resuming \(resumed) workflow(s) interrupted by the last stop") }
        } catch {
            logger.error("interrupted workflows could not be listed; the scheduler's scan takes them up: \(error)")
        }
    }

    /// Stops every part, for callers that built the app without running its service group (tests).
    public func shutdown() async {
        await scheduler.stop()
        await resources.stop()
        await core.serving.shutdown()
        await residents.stopAll()
        standbys?.stopAll()
        await store.close()
    }
}
