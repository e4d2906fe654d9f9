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
    public var sealer: SecretSealer
    public var signals: CompletionSignals
    public var limits: Limits
    public var logger: Logger
    /// Tells a worker how to reach the API (environment URL of a workspace, control URL).
    public var endpoints: @Sendable (_ workspace: Workspace) -> (environmentURL: String, controlURL: String)
    public var now: @Sendable () -> Date

    public init(store: any MetadataStore, blobs: any BlobStore, bundles: any CodeBundleStore,
                environments: any EnvironmentProvider, launcher: any ElasticLauncher,
                residents: any ResidentWorkerPool, sealer: SecretSealer, signals: CompletionSignals,
                limits: Limits, logger: Logger,
                endpoints: @escaping @Sendable (Workspace) -> (environmentURL: String, controlURL: String),
                now: @escaping @Sendable () -> Date = { Date() }) {
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
        self.endpoints = endpoints
        self.now = now
    }
}
