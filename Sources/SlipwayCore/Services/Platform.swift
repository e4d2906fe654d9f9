import Foundation
import Logging

/// The parts every use case needs, wired once at start-up.
public struct Platform: Sendable {
    public var store: any MetadataStore
    public var blobs: any BlobStore
    public var bundles: any CodeBundleStore
    public var environments: any EnvironmentProvider
    public var launcher: any ElasticLauncher
    public var residents: any ResidentWorkerPool
    /// Model artifacts and how they run; nil where model serving is not set up.
    public var models: (any ModelArtifacts)?
    /// CPU limits of model replicas; nil where none can be applied.
    public var cpuLimiter: (any CPULimiter)?
    /// Reaches model registries on other servers; nil where imports are not set up.
    public var remoteRegistries: (any RemoteModelRegistryConnector)?
    /// Runs jobs' programs; nil where jobs are not set up.
    public var programs: (any ProgramLauncher)?
    public var sealer: SecretSealer
    public var signals: CompletionSignals
    public var limits: Limits
    public var logger: Logger
    /// The variables the dialects add to a worker's environment (what their in-step client
    /// libraries read); they take precedence over the workspace's own variables.
    public var workerEnvironment: @Sendable (WorkerContext) -> [String: String]
    public var now: @Sendable () -> Date

    public init(store: any MetadataStore, blobs: any BlobStore, bundles: any CodeBundleStore,
                environments: any EnvironmentProvider, launcher: any ElasticLauncher,
                residents: any ResidentWorkerPool, sealer: SecretSealer, signals: CompletionSignals,
                limits: Limits, logger: Logger,
                workerEnvironment: @escaping @Sendable (WorkerContext) -> [String: String],
                now: @escaping @Sendable () -> Date = { Date() }, models: (any ModelArtifacts)? = nil,
                cpuLimiter: (any CPULimiter)? = nil, remoteRegistries: (any RemoteModelRegistryConnector)? = nil,
                programs: (any ProgramLauncher)? = nil) {
        self.store = store
        self.blobs = blobs
        self.bundles = bundles
        self.environments = environments
        self.launcher = launcher
        self.residents = residents
        self.sealer = sealer
        self.signals = signals
        self.limits = limits
        self.logger = logger
        self.workerEnvironment = workerEnvironment
        self.now = now
        self.models = models
        self.cpuLimiter = cpuLimiter
        self.remoteRegistries = remoteRegistries
        self.programs = programs
    }
}
