import Foundation

/// Every use-case service of the core, wired once on one platform: what each dialect
/// translates its wire protocol into.
public struct CoreServices: Sendable {
    public let platform: Platform
    public let accounts: AccountService
    public let steps: StepService
    public let pipelines: PipelineService
    public let dataStore: DataStoreService
    public let executions: ExecutionService
    public let deployments: DeploymentService
    public let metrics: MetricService
    public let variables: VariableService
    public let models: ModelRegistryService
    public let modelPipelines: ModelPipelineService
    public let serving: ServingService
    public let assays: AssayService
    public let numbers: NumberingService
    public let tracking: TrackingService
    public let registries: RegistryConnectionService
    /// Workspace secrets (sealed) and shared settings (plain), and connections to external systems.
    public let secrets: SecretService
    public let settings: SettingService
    public let connections: ConnectionService
    public let catalog: AssetCatalogService
    /// Models served elsewhere whose inferences are recorded and watched.
    public let monitoring: MonitoringService
    /// Data-store folders bound to monitored models, and the ingestion of their capture files.
    public let captureBindings: CaptureBindingService
    public let captures: CaptureIngestor
    /// The workspaces' artifact trees (tracking clients' files, the registry's snapshot view).
    public let artifacts: ArtifactService
    /// This server's tracked runs with their files (what the registry and the catalog read).
    public let trackedRuns: LocalTrackedRuns
    /// Versioned code packages (function libraries, workflow definitions, schemas, task programs).
    public let codePackages: CodePackageService
    public let jobs: JobService
    /// File pipelines, and the dispatcher that runs their workflows as files arrive.
    public let filePipelines: FilePipelineService
    public let fileWorkflows: FileWorkflowDispatcher

    /// `trackedRuns` reads remote tracking servers (and may replace the local reader in tests).
    public init(platform: Platform, passwords: PasswordHasher = .standard, trackedRuns: TrackedRunSources = .none) {
        self.platform = platform
        accounts = AccountService(store: platform.store, passwords: passwords)
        steps = StepService(platform: platform)
        pipelines = PipelineService(platform: platform, steps: steps)
        monitoring = MonitoringService(platform: platform)
        captureBindings = CaptureBindingService(store: platform.store, now: platform.now)
        captures = CaptureIngestor(platform: platform, monitoring: monitoring)
        let fileWorkflows = FileWorkflowDispatcher(platform: platform)
        self.fileWorkflows = fileWorkflows
        dataStore = DataStoreService(platform: platform, captures: captures, workflows: fileWorkflows)
        executions = ExecutionService(platform: platform, accounts: accounts, dataStore: dataStore)
        deployments = DeploymentService(platform: platform, accounts: accounts, executions: executions, dataStore: dataStore)
        metrics = MetricService(platform: platform)
        variables = VariableService(platform: platform)
        models = ModelRegistryService(platform: platform)
        modelPipelines = ModelPipelineService(platform: platform)
        serving = ServingService(platform: platform)
        assays = AssayService(platform: platform, models: models, modelPipelines: modelPipelines)
        numbers = NumberingService(store: platform.store)
        tracking = TrackingService(platform: platform)
        artifacts = ArtifactService(platform: platform)
        let local = LocalTrackedRuns(tracking: tracking, artifacts: artifacts)
        self.trackedRuns = local
        registries = RegistryConnectionService(
            platform: platform, models: models, artifacts: artifacts,
            folders: ModelFolderImporter(platform: platform, runs: local, artifacts: artifacts, registry: models))
        secrets = SecretService(platform: platform)
        settings = SettingService(store: platform.store, now: platform.now)
        connections = ConnectionService(platform: platform, secrets: secrets)
        codePackages = CodePackageService(platform: platform)
        jobs = JobService(platform: platform, accounts: accounts)
        filePipelines = FilePipelineService(platform: platform, dispatcher: fileWorkflows, secrets: secrets, settings: settings)
        catalog = AssetCatalogService(store: platform.store, accounts: accounts,
                                      trackedRuns: TrackedRunSources(local: trackedRuns.local ?? local, remote: trackedRuns.remote))
    }
}
