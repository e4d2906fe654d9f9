import Foundation
import Logging

@testable import SlipwayCore

/// One platform wired with the in-memory store and the fakes, its services, and a workspace
/// with a signed-in admin: what each service test starts from.
struct ServiceHarness: Sendable {
    let store: InMemoryMetadataStore
    let blobs: TemporaryBlobStore
    let bundles: FakeCodeBundleStore
    let environments: FakeEnvironmentProvider
    let launcher: ScriptedLauncher
    let residents: FakeResidentPool
    let clock: ManualClock
    let platform: Platform
    let accounts: AccountService
    let steps: StepService
    let pipelines: PipelineService
    let dataStore: DataStoreService
    let executions: ExecutionService
    let deployments: DeploymentService
    let variables: VariableService
    let metrics: MetricService
    let workspace: Workspace
    let principal: Principal
    /// The admin's user token in clear.
    let adminToken: String

    /// The variable the dialect hook adds to every worker's environment (the worker's token).
    static let tokenVariable = "SLIPWAY_TOKEN"
    static let sealingKey = Data("test sealing key".utf8)
    /// How long the polling helpers wait before giving up: generous, because the whole suite
    /// runs in parallel on a small shared machine; a passing test returns as soon as it can.
    static let patience: Duration = .seconds(90)

    static func make(limits: Limits = Limits(executionTimeout: .seconds(5), longPollHold: .seconds(15))) async throws
        -> ServiceHarness {
        let store = InMemoryMetadataStore()
        let blobs = TemporaryBlobStore()
        let bundles = FakeCodeBundleStore()
        let environments = FakeEnvironmentProvider()
        let launcher = ScriptedLauncher()
        let residents = FakeResidentPool()
        let clock = ManualClock()
        let platform = Platform(
            store: store, blobs: blobs, bundles: bundles, environments: environments, launcher: launcher,
            residents: residents, sealer: SecretSealer(key: sealingKey), signals: CompletionSignals(), limits: limits,
            logger: Logger(label: "slipway-test", factory: { _ in SwiftLogNoOpLogHandler() }),
            workerEnvironment: { context in
                var variables = [tokenVariable: context.token ?? ""]
                if let id = context.executionID { variables["SLIPWAY_EXECUTION_ID"] = id }
                // Shadows a workspace variable of the same name: the dialect's value wins.
                variables["SHADOWED"] = "from-dialect"
                return variables
            },
            now: { clock.now }, models: FakeModelArtifacts())
        let accounts = AccountService(store: store, passwords: .fastForTests, now: { clock.now })
        guard let adminToken = try await accounts.bootstrap(adminToken: nil) else {
            throw SlipwayError.internal("bootstrap issued no admin token")
        }
        let principal = try await accounts.authenticate(refreshToken: adminToken)
        guard let workspace = try await store.workspace(id: principal.workspaceID) else {
            throw SlipwayError.internal("bootstrap created no workspace")
        }
        let steps = StepService(platform: platform)
        let dataStore = DataStoreService(platform: platform)
        let executions = ExecutionService(platform: platform, accounts: accounts, dataStore: dataStore)
        return ServiceHarness(
            store: store, blobs: blobs, bundles: bundles, environments: environments, launcher: launcher,
            residents: residents, clock: clock, platform: platform, accounts: accounts, steps: steps,
            pipelines: PipelineService(platform: platform, steps: steps), dataStore: dataStore, executions: executions,
            deployments: DeploymentService(platform: platform, accounts: accounts, executions: executions,
                                           dataStore: dataStore),
            variables: VariableService(platform: platform), metrics: MetricService(platform: platform),
            workspace: workspace, principal: principal, adminToken: adminToken)
    }

    /// A draft for `main.py:run` with these inputs and outputs.
    static func draft(_ name: String, inputs: [InputDefinition] = [], outputs: [OutputDefinition] = [],
                      config: ContainerConfig = ContainerConfig()) -> StepDraft {
        StepDraft(name: name, functionPath: "main.py", functionName: "run", description: "step \(name)", inputs: inputs,
                  outputs: outputs, containerConfig: config)
    }

    /// An archive with `main.py` (and `extra` files).
    func archive(_ extra: [String: String] = [:]) throws -> URL {
        try bundles.makeArchive(["main.py": "def run(**kwargs):\n    return {}\n"].merging(extra) { _, new in new })
    }

    /// Creates a step and waits until its environment build has ended.
    @discardableResult
    func readyStep(_ name: String, inputs: [InputDefinition] = [], outputs: [OutputDefinition] = []) async throws -> Step {
        let step = try await steps.create(Self.draft(name, inputs: inputs, outputs: outputs), archive: try archive(),
                                          workspace: workspace, principal: principal)
        return try await settled(step)
    }

    /// The step once its build has ended (polls the store; builds of the fake end at once).
    func settled(_ step: Step) async throws -> Step {
        let deadline = ContinuousClock.now + Self.patience
        while ContinuousClock.now < deadline {
            if let current = try await store.step(id: step.id), current.status != .pending { return current }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw SlipwayError.internal("step \(step.name) is still pending")
    }

    /// A ready step and a pipeline on it.
    func readyPipeline(_ name: String, inputs: [InputDefinition] = [], outputs: [OutputDefinition] = []) async throws
        -> (Pipeline, Step) {
        let step = try await readyStep("\(name)-step", inputs: inputs, outputs: outputs)
        let pipeline = try await pipelines.create(name: name, stepName: step.name, workspace: workspace, principal: principal)
        return (pipeline, step)
    }

    /// The execution once it has ended (polls the store).
    func finished(_ execution: Execution) async throws -> Execution {
        let deadline = ContinuousClock.now + Self.patience
        while ContinuousClock.now < deadline {
            if let current = try await store.execution(id: execution.id), current.status.isFinal { return current }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw SlipwayError.internal("execution \(execution.id) did not finish")
    }

    /// Waits until `condition` holds (polling), failing after `patience`.
    func eventually(_ what: String, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + Self.patience
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw SlipwayError.internal("timed out waiting until \(what)")
    }

    /// Runs a pipeline with these values and waits for the end.
    func run(_ pipeline: Pipeline, _ step: Step, values: [String: JSONValue] = [:], files: [String: UploadedFile] = [:],
             inputsMapping: [InputMapping] = [], outputsMapping: [OutputMapping] = []) async throws -> Execution {
        let execution = try await executions.run(
            pipeline: pipeline, step: step,
            request: RunRequest(values: values, files: files, inputsMapping: inputsMapping, outputsMapping: outputsMapping),
            workspace: workspace, principal: principal)
        return try await finished(execution)
    }

    /// A local file to upload, with this text.
    func upload(_ text: String, fileName: String = "data.txt") throws -> UploadedFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return UploadedFile(url: url, fileName: fileName, size: Int64(text.utf8.count))
    }

    /// Puts an object in the data store.
    @discardableResult
    func putObject(_ path: String, _ text: String) async throws -> DataObject {
        let writer = try await blobs.makeWriter()
        try await writer.write(Data(text.utf8))
        return try await dataStore.attach(blob: try await writer.commit(), workspaceID: workspace.id, path: try ObjectPath(path))
    }
}
