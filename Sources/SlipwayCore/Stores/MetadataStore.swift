import Foundation

/// Users, workspaces and credentials.
public protocol IdentityStore: Sendable {
    /// Inserts the workspace with the next `number` (one more than the largest so far) and
    /// returns it as stored.
    @discardableResult func createWorkspace(_ workspace: Workspace) async throws -> Workspace
    func workspace(id: String) async throws -> Workspace?
    func workspace(named name: String) async throws -> Workspace?
    func workspace(number: Int) async throws -> Workspace?
    /// Every workspace, by `number`.
    func listWorkspaces() async throws -> [Workspace]
    /// Sets whether the workspace's workflow steps may reach the network; false when it is gone.
    func setWorkspaceOutboundNetwork(id: String, allowed: Bool) async throws -> Bool
    func createUser(_ user: User) async throws
    func user(id: String) async throws -> User?
    func user(named name: String) async throws -> User?
    /// The user with this email, compared without case (ASCII).
    func user(email: String) async throws -> User?
    /// Every user, by creation time.
    func listUsers() async throws -> [User]
    /// Enables or disables a user; false when there is no such user.
    func setUserEnabled(id: String, enabled: Bool) async throws -> Bool
    /// Stores a password hash (a `PasswordHasher` text), replacing any previous one.
    func setPasswordHash(userID: String, hash: String) async throws
    func passwordHash(userID: String) async throws -> String?
    /// Adds a member; an existing membership keeps its role.
    func addMember(userID: String, workspaceID: String, role: WorkspaceRole) async throws
    /// Removes a membership; returns how many were removed (0 or 1).
    func removeMember(userID: String, workspaceID: String) async throws -> Int
    func isMember(userID: String, workspaceID: String) async throws -> Bool
    func membership(userID: String, workspaceID: String) async throws -> Membership?
    /// The members of a workspace: owners first, then collaborators, each by user id.
    func members(workspaceID: String) async throws -> [Membership]
    /// The workspaces a user is a member of.
    func memberships(userID: String) async throws -> [Membership]
    func createToken(_ token: TokenRecord) async throws
    func token(secretHash: String) async throws -> TokenRecord?
    func revokeTokens(executionID: String) async throws
    /// Makes the unrevoked tokens of an execution (or deployment) expire at `date` at the latest.
    func expireTokens(executionID: String, at date: Date) async throws
    func createSessionToken(_ token: SessionToken) async throws
    func sessionToken(secretHash: String) async throws -> SessionToken?
    /// Revokes every refresh token of a session (sign-out).
    func revokeSession(id: String) async throws
}

/// Steps and pipelines.
public protocol CatalogStore: Sendable {
    func insertStep(_ step: Step) async throws
    func step(workspaceID: String, name: String) async throws -> Step?
    func step(id: String) async throws -> Step?
    func listSteps(workspaceID: String, includeOwned: Bool) async throws -> [Step]
    /// Compare-and-set of the creation status.
    func updateStepStatus(id: String, from: CreationStatus, to: CreationStatus, environmentKey: String?) async throws -> Bool
    func deleteStep(id: String) async throws
    /// Steps still pending creation (resumed at start-up).
    func pendingSteps() async throws -> [Step]

    func insertPipeline(_ pipeline: Pipeline) async throws
    func pipeline(workspaceID: String, name: String) async throws -> Pipeline?
    func listPipelines(workspaceID: String) async throws -> [Pipeline]
    func pipelines(usingStepID stepID: String) async throws -> [Pipeline]
    func deletePipeline(id: String) async throws
}

/// Executions, their I/O and logs.
public protocol ExecutionStore: Sendable {
    /// Every write returns once it is durable (committed): what a caller acknowledges after a
    /// write survives a crash. How concurrent writes share transactions is the backend's concern.
    func insertExecution(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput]) async throws
    /// Stores an execution that already ended (final status, produced outputs, its log lines)
    /// in one write: one commit for an execution recorded only once it is over.
    func recordExecution(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput],
                         logs: [LogLine]) async throws
    func execution(workspaceID: String, id: String) async throws -> Execution?
    func execution(id: String) async throws -> Execution?
    func listExecutions(workspaceID: String, pipelineName: String?) async throws -> [Execution]
    /// One page of the executions passing `query`'s filters, in its order, with their total.
    func executionPage(_ query: ExecutionQuery) async throws -> ExecutionPage
    func latestExecution(workspaceID: String, pipelineName: String) async throws -> Execution?
    func inputs(executionID: String) async throws -> [ExecutionInput]
    func outputs(executionID: String) async throws -> [ExecutionOutput]
    /// Compare-and-set: applies only when the stored status is still `from`.
    func updateExecutionStatus(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date,
                               message: String?) async throws -> Bool
    func saveOutputs(executionID: String, outputs: [ExecutionOutput]) async throws
    /// The last write of an execution, atomically: final status (compare-and-set), then, when it
    /// applied, its outputs and last log lines.
    func finishExecution(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date, message: String?,
                         outputs: [ExecutionOutput], logs: [LogLine]) async throws -> Bool
    func deleteExecution(id: String) async throws
    /// Executions left Pending or Running (by a crash), for recovery at start-up.
    func unfinishedExecutions() async throws -> [Execution]

    func appendLogs(_ lines: [LogLine], subject: LogSubject) async throws
    func logs(subject: LogSubject, query: LogQuery) async throws -> [LogLine]
    func deleteLogs(subject: LogSubject) async throws
}

/// Deployments.
public protocol DeploymentStore: Sendable {
    func insertDeployment(_ deployment: Deployment) async throws
    func deployment(workspaceID: String, name: String) async throws -> Deployment?
    func deployment(workspaceID: String, endpointPath: String) async throws -> Deployment?
    func listDeployments(workspaceID: String) async throws -> [Deployment]
    /// Every deployment of every workspace (start-up and the scheduler).
    func allDeployments() async throws -> [Deployment]
    func deployments(pipelineID: String) async throws -> [Deployment]
    /// Replaces the stored row (configuration changes).
    func updateDeployment(_ deployment: Deployment) async throws
    /// Compare-and-set of the status.
    func updateDeploymentStatus(id: String, from: DeploymentStatus, to: DeploymentStatus, at: Date) async throws -> Bool
    /// Compare-and-set of the last scheduled minute of each deployment, in one transaction: only
    /// one fire per slot. Returns the deployments whose claim succeeded.
    func claimScheduleSlots(_ claims: [ScheduleSlotClaim]) async throws -> Set<String>
    func deleteDeployment(id: String) async throws
    func listExecutions(workspaceID: String, deploymentName: String) async throws -> [Execution]
    func latestExecution(workspaceID: String, deploymentName: String) async throws -> Execution?
}

/// Pipeline metrics.
public protocol MetricStore: Sendable {
    func upsertMetric(workspaceID: String, _ metric: MetricValue) async throws
    func appendListMetric(workspaceID: String, _ metric: ListMetric) async throws
    func metrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<MetricValue>
    func listMetrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<ListMetric>
}

/// Data-store index and environment variables.
public protocol DataStoreIndex: Sendable {
    /// Inserts or replaces; returns the blob the object pointed to before, if any.
    func putObject(_ object: DataObject) async throws -> String?
    func object(workspaceID: String, path: String) async throws -> DataObject?
    func listObjects(workspaceID: String, prefix: String, after: String?, limit: Int) async throws -> [DataObject]
    /// Replaces the attributes of the object if it is still at version `etag`; false otherwise.
    func updateObjectAttributes(workspaceID: String, path: String, etag: String, _ attributes: FileAttributes) async throws -> Bool
    /// Returns the deleted object's blob.
    func deleteObject(workspaceID: String, path: String) async throws -> String?

    func createMultipartUpload(_ upload: MultipartUpload) async throws
    func multipartUpload(id: String) async throws -> MultipartUpload?
    func deleteMultipartUpload(id: String) async throws

    func setVariables(workspaceID: String, _ variables: [EnvironmentVariable]) async throws
    func variables(workspaceID: String) async throws -> [EnvironmentVariable]
    func deleteVariable(workspaceID: String, name: String) async throws -> EnvironmentVariable?
}

/// Models and their versions (artifacts live in the blob store).
public protocol ModelStore: Sendable {
    /// Inserts the model; a second model of the same name in the workspace is refused.
    func insertModel(_ model: Model) async throws
    func model(id: String) async throws -> Model?
    func model(workspaceID: String, name: String) async throws -> Model?
    /// Newest first.
    func listModels(workspaceID: String) async throws -> [Model]
    /// Inserts the version with the next number of its model (its `number` is ignored) and
    /// touches the model's `updatedAt`; returns the version as stored.
    func insertModelVersion(_ version: ModelVersion) async throws -> ModelVersion
    func modelVersion(id: String) async throws -> ModelVersion?
    /// Oldest first.
    func modelVersions(modelID: String) async throws -> [ModelVersion]
    func updateModelVersionStatus(id: String, status: ModelVersionStatus, message: String?) async throws
    /// Registry: a model's name, description and last change.
    func updateModel(_ model: Model) async throws
    /// Removes the model with its versions (rows), tags and aliases.
    func deleteModel(id: String) async throws
    /// Registry: a version's description, stage, status, status message and last change.
    func updateModelVersion(_ version: ModelVersion) async throws
    /// Hides the version from every read (its number is never given again) and removes its
    /// tags and the aliases naming it.
    func deleteModelVersion(id: String) async throws
    /// Every version of the workspace's models, by model then number.
    func modelVersions(workspaceID: String) async throws -> [ModelVersion]
    func modelTags(modelID: String) async throws -> [String: String]
    /// Tags of every model of the workspace, by model id.
    func modelTags(workspaceID: String) async throws -> [String: [String: String]]
    func setModelTag(modelID: String, workspaceID: String, key: String, value: String) async throws
    func deleteModelTag(modelID: String, key: String) async throws
    func modelVersionTags(versionID: String) async throws -> [String: String]
    /// Tags of every version of the workspace, by version id.
    func modelVersionTags(workspaceID: String) async throws -> [String: [String: String]]
    func setModelVersionTag(versionID: String, workspaceID: String, key: String, value: String) async throws
    func deleteModelVersionTag(versionID: String, key: String) async throws
    /// Alias → version id.
    func modelAliases(modelID: String) async throws -> [String: String]
    /// Aliases of every model of the workspace: model id → alias → version id.
    func modelAliases(workspaceID: String) async throws -> [String: [String: String]]
    /// Points the alias at the version (moving it when it named another).
    func setModelAlias(modelID: String, workspaceID: String, alias: String, versionID: String) async throws
    func deleteModelAlias(modelID: String, alias: String) async throws
}

/// Pipeline versions and the deployments that serve them.
public protocol ServingStore: Sendable {
    /// Inserts the version and makes its graph the pipeline's current one.
    func insertPipelineVersion(_ version: PipelineVersion) async throws
    func pipelineVersion(id: String) async throws -> PipelineVersion?
    /// Oldest first.
    func pipelineVersions(pipelineID: String) async throws -> [PipelineVersion]
    func pipeline(id: String) async throws -> Pipeline?
    func insertModelDeployment(_ deployment: ModelDeployment) async throws
    func updateModelDeployment(_ deployment: ModelDeployment) async throws
    func modelDeployment(id: String) async throws -> ModelDeployment?
    func modelDeployment(workspaceID: String, name: String) async throws -> ModelDeployment?
    func modelDeployments(pipelineID: String) async throws -> [ModelDeployment]
    /// Every deployment that is not stopped, to restart after a restart of the server.
    func activeModelDeployments() async throws -> [ModelDeployment]
}

/// Inference records, appended in batches and read by page.
public protocol InferenceStore: Sendable {
    func appendInferenceRecords(_ records: [InferenceRecord]) async throws
    /// A page of records that are not shadow results, in the query's order.
    func inferenceRecords(_ query: InferenceRecordQuery) async throws -> InferenceRecordQuery.Page
    /// The shadow results recorded for the given records.
    func shadowRecords(of recordIDs: [String]) async throws -> [InferenceRecord]
    /// One feature's values over a time range, oldest first, read from per-feature columns
    /// written with the records (not from the records themselves) where the feature has them.
    func inferenceSeries(_ query: InferenceSeriesQuery) async throws -> InferenceSeries
}

/// Small integer numbers of objects (`NumberedKind`).
public protocol NumberingStore: Sendable {
    /// The object's number, assigned (the next one of its kind) when it has none yet.
    func number(of kind: NumberedKind, id: String) async throws -> Int64
    /// Numbers already assigned to these objects (objects without one are left out).
    func assignedNumbers(of kind: NumberedKind, ids: [String]) async throws -> [String: Int64]
    func objectID(of kind: NumberedKind, number: Int64) async throws -> String?
}

/// Connections to model registries on other servers, and the workspaces they are attached to.
public protocol RegistryConnectionStore: Sendable {
    /// Inserts the connection with its `workspaceIDs` attached.
    func insertRegistryConnection(_ connection: ModelRegistryConnection) async throws
    func registryConnection(id: String) async throws -> ModelRegistryConnection?
    /// The connections attached to the workspace, oldest first.
    func registryConnections(workspaceID: String) async throws -> [ModelRegistryConnection]
    /// Attaches the connection to the workspace (attaching twice is one attachment).
    func attachRegistryConnection(id: String, workspaceID: String, at time: Date) async throws
    /// Detaches it; returns whether it was attached.
    func detachRegistryConnection(id: String, workspaceID: String, at time: Date) async throws -> Bool
}

/// The whole metadata contract; one backend implements all of it.
public protocol MetadataStore: IdentityStore, CatalogStore, ExecutionStore, DeploymentStore, MetricStore, DataStoreIndex,
    ModelStore, ServingStore, InferenceStore, NumberingStore, RegistryConnectionStore,
    AssetCatalogStore, TrackingStore, MonitoringStore, AssayStore, CaptureBindingStore,
    SharedSettingStore, ConnectionStore, InferenceRetentionStore, CodePackageStore, JobStore,
    FilePipelineStore {
    /// Runs `body` against a view of the store whose writes commit together when `body` returns,
    /// or not at all when it throws. The view is bound to one transaction: use it, not the store
    /// it came from, inside `body`, and not after `body` returns. Reads through the view see its
    /// own uncommitted writes.
    func transaction<T: Sendable>(_ body: @Sendable (any MetadataStore) async throws -> T) async throws -> T
}

extension DeploymentStore {
    /// Claims one slot (see `claimScheduleSlots`).
    public func claimScheduleSlot(id: String, previous: Date?, slot: Date) async throws -> Bool {
        try await claimScheduleSlots([ScheduleSlotClaim(deploymentID: id, previous: previous, slot: slot)]).contains(id)
    }
}
