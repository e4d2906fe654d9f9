import Foundation
import Synchronization

@testable import SlipwayCore

/// The whole metadata contract in memory, for Core service tests. It follows what
/// `SQLMetadataStore` does, statement by statement: compare-and-set updates apply only while
/// the stored status is the expected one; the SQL schema's uniqueness constraints (workspace
/// and user names, token hashes, (workspace, name) of steps, pipelines and deployments,
/// (workspace, endpoint path), primary keys) refuse a second row; listings come in the SQL
/// store's `ORDER BY`; text compares as SQLite's BINARY collation does (UTF-8 bytes).
///
/// Where SQL would raise a constraint error this store throws `SlipwayError.conflict` (the
/// services check names before inserting, so either way a duplicate is a refused call).
///
/// `transaction` runs its body on a private copy of the state and publishes the copy only if
/// the body returns and nothing else wrote meanwhile (else it runs the body again, like a
/// serializable transaction retried after a conflict): writes commit together or not at all.
final class InMemoryMetadataStore: MetadataStore, Sendable {
    /// Every table, as plain values (so a snapshot is a copy).
    struct State: Sendable, Equatable {
        var workspaces: [Workspace] = []
        var users: [User] = []
        var memberships: [Membership] = []
        var tokens: [TokenRecord] = []
        var passwordHashes: [String: String] = [:]
        var sessionTokens: [SessionToken] = []
        var steps: [Step] = []
        var pipelines: [Pipeline] = []
        var executions: [Execution] = []
        var inputs: [String: [ExecutionInput]] = [:]
        var outputs: [String: [ExecutionOutput]] = [:]
        var logs: [StoredLog] = []
        var deployments: [Deployment] = []
        var metrics: [StoredMetric] = []
        var listBatches: [StoredListBatch] = []
        var objects: [DataObject] = []
        var uploads: [MultipartUpload] = []
        var variables: [String: [String: String]] = [:]
        var models: [Model] = []
        var modelVersions: [ModelVersion] = []
        /// Registry: deleted versions (hidden, their numbers kept), tags by model and by version,
        /// aliases by model (alias → version id).
        var deletedModelVersionIDs: Set<String> = []
        var modelTags: [String: [String: String]] = [:]
        var modelVersionTags: [String: [String: String]] = [:]
        var modelAliases: [String: [String: String]] = [:]
        var pipelineVersions: [PipelineVersion] = []
        var modelDeployments: [ModelDeployment] = []
        var inferenceRecords: [InferenceRecord] = []
        /// Workspaces' own retention of inference records, by workspace id.
        var inferenceRetention: [String: InferenceRetention] = [:]
        var assays: [Assay] = []
        var assayResults: [AssayResult] = []
        var numbers: [NumberedKind: [String: Int64]] = [:]
        var registryConnections: [ModelRegistryConnection] = []
        var catalogAssets: [CatalogAsset] = []
        var connectors: [DataspaceConnector] = []
        var resources: [DataspaceResource] = []
        var catalogProfiles: [String: CatalogUserProfile] = [:]
        var tracking = TrackingTables()
        var monitoring = MonitoringTables()
        var captures = CaptureTables()
        var sharedSettings: [SharedSetting] = []
        var secrets: [Secret] = []
        var connections: [Connection] = []
        var connectionAttachments: [ConnectionAttachment] = []
        var codePackages: [CodePackage] = []
        var jobs: [Job] = []
        var jobRuns: [JobRun] = []
        var filePipelines: [FilePipeline] = []
        var fileWorkflows: [FileWorkflow] = []
        /// Source of the AUTOINCREMENT ids of log lines and list-metric batches.
        var nextRowID: Int = 1
        /// Bumped by every write, so a transaction can tell whether another write came between.
        var version: UInt64 = 0
    }

    struct StoredLog: Sendable, Equatable {
        var id: Int
        var subject: LogSubject
        var line: LogLine
    }

    struct StoredMetric: Sendable, Equatable {
        var workspaceID: String
        var metric: MetricValue
    }

    struct StoredListBatch: Sendable, Equatable {
        var id: Int
        var workspaceID: String
        var metric: ListMetric
    }

    /// Writes that can be made to fail once, to test what a service leaves behind when the
    /// store refuses a write it did not expect to be refused (a lost race, a full disk).
    enum FailingWrite: String, Sendable {
        case insertStep, insertPipeline, insertExecution, insertDeployment, putObject, appendInferenceRecords
    }

    private let state: Mutex<State>
    private let failing = Mutex<Set<FailingWrite>>([])

    init(state: State = State()) {
        self.state = Mutex(state)
    }

    /// Makes the next call of `write` throw an internal error (once).
    func failNext(_ write: FailingWrite) {
        _ = failing.withLock { $0.insert(write) }
    }

    func injected(_ write: FailingWrite) throws {
        if failing.withLock({ $0.remove(write) }) != nil {
            throw SlipwayError.internal("injected failure of \(write.rawValue)")
        }
    }

    /// A copy of every table (tests compare snapshots to show a refused call changed nothing).
    var snapshot: State { state.withLock { $0 } }

    /// Number of writes that changed something; unchanged by a refused call that stored nothing.
    var writeCount: UInt64 { state.withLock { $0.version } }

    // MARK: - Helpers

    /// Runs a write under the lock on a copy: a write that throws leaves nothing behind (as a
    /// failed SQL statement does), and one that changed something bumps `version`.
    func write<T: Sendable>(_ body: (inout State) throws -> T) throws -> T {
        try state.withLock { state in
            var copy = state
            let result = try body(&copy)
            if copy != state {
                copy.version &+= 1
                state = copy
            }
            return result
        }
    }

    func read<T: Sendable>(_ body: (State) -> T) -> T {
        state.withLock { body($0) }
    }

    /// SQLite's BINARY collation: byte-wise comparison of the UTF-8 text.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func duplicate(_ what: String) -> SlipwayError {
        SlipwayError.conflict("UNIQUE constraint failed: \(what)")
    }

    /// `ORDER BY created_at` (ties keep insertion order, as SQLite's rowid scan does).
    static func byCreation<T>(_ rows: [T], _ date: (T) -> Date) -> [T] {
        rows.enumerated().sorted { (date($0.element), $0.offset) < (date($1.element), $1.offset) }.map(\.element)
    }

    /// `ORDER BY created_at DESC`.
    private static func newestFirst(_ rows: [Execution]) -> [Execution] {
        rows.enumerated().sorted { ($0.element.createdAt, $0.offset) > ($1.element.createdAt, $1.offset) }.map(\.element)
    }

    // MARK: - Transactions

    /// Writes made by `body` (through the store it is given) commit together or not at all.
    func transaction<T: Sendable>(_ body: @Sendable (any MetadataStore) async throws -> T) async throws -> T {
        for _ in 0..<20 {
            let start = snapshot
            let view = InMemoryMetadataStore(state: start)
            let result = try await body(view)
            var published = view.snapshot
            // Nothing written: nothing to publish.
            if published == start { return result }
            published.version = start.version &+ 1
            let committed = state.withLock { current -> Bool in
                guard current.version == start.version else { return false }
                current = published
                return true
            }
            if committed { return result }
        }
        throw SlipwayError(.unavailable, "in-memory transaction kept conflicting with concurrent writes")
    }

    // MARK: - IdentityStore

    /// The next number is one more than the largest so far (as the SQL insert computes it).
    @discardableResult
    func createWorkspace(_ workspace: Workspace) async throws -> Workspace {
        try write { state in
            guard !state.workspaces.contains(where: { $0.id == workspace.id }) else { throw Self.duplicate("workspaces.id") }
            guard !state.workspaces.contains(where: { $0.name == workspace.name }) else {
                throw Self.duplicate("workspaces.name")
            }
            var stored = workspace
            stored.number = (state.workspaces.map(\.number).max() ?? 0) + 1
            state.workspaces.append(stored)
            return stored
        }
    }

    func workspace(id: String) async throws -> Workspace? {
        read { $0.workspaces.first { $0.id == id } }
    }

    func workspace(named name: String) async throws -> Workspace? {
        read { $0.workspaces.first { $0.name == name } }
    }

    func workspace(number: Int) async throws -> Workspace? {
        read { $0.workspaces.first { $0.number == number } }
    }

    func listWorkspaces() async throws -> [Workspace] {
        read { $0.workspaces.sorted { $0.number < $1.number } }
    }

    func setWorkspaceOutboundNetwork(id: String, allowed: Bool) async throws -> Bool {
        try write { state in
            guard let index = state.workspaces.firstIndex(where: { $0.id == id }) else { return false }
            state.workspaces[index].allowsOutboundNetwork = allowed
            return true
        }
    }

    func createUser(_ user: User) async throws {
        try write { state in
            guard !state.users.contains(where: { $0.id == user.id }) else { throw Self.duplicate("users.id") }
            guard !state.users.contains(where: { $0.name == user.name }) else { throw Self.duplicate("users.name") }
            state.users.append(user)
        }
    }

    func user(id: String) async throws -> User? {
        read { $0.users.first { $0.id == id } }
    }

    func user(named name: String) async throws -> User? {
        read { $0.users.first { $0.name == name } }
    }

    /// `lower(email) = lower(?)` (ASCII case folding, as SQLite's lower), oldest first.
    func user(email: String) async throws -> User? {
        let wanted = Self.asciiLowercased(email)
        return read { state in
            Self.byCreation(state.users.filter { Self.asciiLowercased($0.email) == wanted }, \.createdAt).first
        }
    }

    /// `ORDER BY created_at, id`.
    func listUsers() async throws -> [User] {
        read { state in
            state.users.sorted { $0.createdAt != $1.createdAt ? $0.createdAt < $1.createdAt : Self.precedes($0.id, $1.id) }
        }
    }

    func setUserEnabled(id: String, enabled: Bool) async throws -> Bool {
        try write { state in
            guard let index = state.users.firstIndex(where: { $0.id == id }) else { return false }
            state.users[index].isEnabled = enabled
            return true
        }
    }

    func setPasswordHash(userID: String, hash: String) async throws {
        try write { state in
            guard state.users.contains(where: { $0.id == userID }) else { return }
            state.passwordHashes[userID] = hash
        }
    }

    func passwordHash(userID: String) async throws -> String? {
        read { $0.passwordHashes[userID] }
    }

    /// `ON CONFLICT (workspace_id, user_id) DO NOTHING`: the first role stays.
    func addMember(userID: String, workspaceID: String, role: WorkspaceRole) async throws {
        try write { state in
            guard !state.memberships.contains(where: { $0.userID == userID && $0.workspaceID == workspaceID }) else { return }
            state.memberships.append(Membership(workspaceID: workspaceID, userID: userID, role: role))
        }
    }

    func removeMember(userID: String, workspaceID: String) async throws -> Int {
        try write { state in
            let before = state.memberships.count
            state.memberships.removeAll { $0.userID == userID && $0.workspaceID == workspaceID }
            return before - state.memberships.count
        }
    }

    func isMember(userID: String, workspaceID: String) async throws -> Bool {
        read { $0.memberships.contains { $0.userID == userID && $0.workspaceID == workspaceID } }
    }

    func membership(userID: String, workspaceID: String) async throws -> Membership? {
        read { $0.memberships.first { $0.userID == userID && $0.workspaceID == workspaceID } }
    }

    /// Owners first, then by user id.
    func members(workspaceID: String) async throws -> [Membership] {
        read { state in
            state.memberships.filter { $0.workspaceID == workspaceID }.sorted {
                ($0.role == .owner ? 0 : 1, $0.userID) < ($1.role == .owner ? 0 : 1, $1.userID)
            }
        }
    }

    func memberships(userID: String) async throws -> [Membership] {
        read { state in
            state.memberships.filter { $0.userID == userID }.sorted { Self.precedes($0.workspaceID, $1.workspaceID) }
        }
    }

    /// The role of a member (for tests; not part of the contract).
    func role(userID: String, workspaceID: String) -> WorkspaceRole? {
        read { $0.memberships.first { $0.userID == userID && $0.workspaceID == workspaceID }?.role }
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    func createToken(_ token: TokenRecord) async throws {
        try write { state in
            guard !state.tokens.contains(where: { $0.id == token.id }) else { throw Self.duplicate("tokens.id") }
            guard !state.tokens.contains(where: { $0.secretHash == token.secretHash }) else {
                throw Self.duplicate("tokens.secret_hash")
            }
            state.tokens.append(token)
        }
    }

    func token(secretHash: String) async throws -> TokenRecord? {
        read { $0.tokens.first { $0.secretHash == secretHash } }
    }

    func revokeTokens(executionID: String) async throws {
        try write { state in
            for index in state.tokens.indices where state.tokens[index].executionID == executionID {
                state.tokens[index].revoked = true
            }
        }
    }

    /// Only unrevoked tokens that would outlive `date` are shortened.
    func expireTokens(executionID: String, at date: Date) async throws {
        try write { state in
            for index in state.tokens.indices where state.tokens[index].executionID == executionID
                && !state.tokens[index].revoked && (state.tokens[index].expiresAt.map { $0 > date } ?? true) {
                state.tokens[index].expiresAt = date
            }
        }
    }

    func createSessionToken(_ token: SessionToken) async throws {
        try write { state in
            guard !state.sessionTokens.contains(where: { $0.secretHash == token.secretHash }) else {
                throw Self.duplicate("session_tokens.secret_hash")
            }
            state.sessionTokens.append(token)
        }
    }

    func sessionToken(secretHash: String) async throws -> SessionToken? {
        read { $0.sessionTokens.first { $0.secretHash == secretHash } }
    }

    func revokeSession(id: String) async throws {
        try write { state in
            for index in state.sessionTokens.indices where state.sessionTokens[index].sessionID == id {
                state.sessionTokens[index].revoked = true
            }
        }
    }

    // MARK: - CatalogStore

    func insertStep(_ step: Step) async throws {
        try injected(.insertStep)
        try write { state in
            guard !state.steps.contains(where: { $0.id == step.id }) else { throw Self.duplicate("steps.id") }
            guard !state.steps.contains(where: { $0.workspaceID == step.workspaceID && $0.name == step.name }) else {
                throw Self.duplicate("steps.workspace_id, steps.name")
            }
            state.steps.append(step)
        }
    }

    func step(workspaceID: String, name: String) async throws -> Step? {
        read { $0.steps.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func step(id: String) async throws -> Step? {
        read { $0.steps.first { $0.id == id } }
    }

    func listSteps(workspaceID: String, includeOwned: Bool) async throws -> [Step] {
        read { state in
            Self.byCreation(state.steps.filter { $0.workspaceID == workspaceID && (includeOwned || $0.ownerPipelineName == nil) },
                            \.createdAt)
        }
    }

    /// Sets the status (and the environment key when given) only while the status is `from`.
    func updateStepStatus(id: String, from: CreationStatus, to: CreationStatus, environmentKey: String?) async throws -> Bool {
        try write { state in
            guard let index = state.steps.firstIndex(where: { $0.id == id && $0.status == from }) else { return false }
            state.steps[index].status = to
            state.steps[index].environmentKey = environmentKey ?? state.steps[index].environmentKey
            state.steps[index].updatedAt = Date()
            return true
        }
    }

    func deleteStep(id: String) async throws {
        try write { $0.steps.removeAll { $0.id == id } }
    }

    func pendingSteps() async throws -> [Step] {
        read { $0.steps.filter { $0.status == .pending } }
    }

    func insertPipeline(_ pipeline: Pipeline) async throws {
        try injected(.insertPipeline)
        try write { state in
            guard !state.pipelines.contains(where: { $0.id == pipeline.id }) else { throw Self.duplicate("pipelines.id") }
            guard !state.pipelines.contains(where: { $0.workspaceID == pipeline.workspaceID && $0.name == pipeline.name }) else {
                throw Self.duplicate("pipelines.workspace_id, pipelines.name")
            }
            state.pipelines.append(pipeline)
        }
    }

    func pipeline(workspaceID: String, name: String) async throws -> Pipeline? {
        read { $0.pipelines.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func listPipelines(workspaceID: String) async throws -> [Pipeline] {
        read { Self.byCreation($0.pipelines.filter { $0.workspaceID == workspaceID }, \.createdAt) }
    }

    func pipelines(usingStepID stepID: String) async throws -> [Pipeline] {
        read { Self.byCreation($0.pipelines.filter { $0.stepIDs.contains(stepID) }, \.createdAt) }
    }

    func deletePipeline(id: String) async throws {
        try write { $0.pipelines.removeAll { $0.id == id } }
    }

    // MARK: - ExecutionStore

    private static func insert(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput],
                               into state: inout State) throws {
        guard !state.executions.contains(where: { $0.id == execution.id }) else { throw duplicate("executions.id") }
        guard Set(inputs.map(\.name)).count == inputs.count else { throw duplicate("execution_inputs.execution_id, name") }
        guard Set(outputs.map(\.name)).count == outputs.count else { throw duplicate("execution_outputs.execution_id, name") }
        state.executions.append(execution)
        state.inputs[execution.id] = inputs
        state.outputs[execution.id] = outputs
    }

    private static func append(_ lines: [LogLine], subject: LogSubject, into state: inout State) {
        for line in lines {
            state.logs.append(StoredLog(id: state.nextRowID, subject: subject, line: line))
            state.nextRowID += 1
        }
    }

    /// `ON CONFLICT (execution_id, name) DO UPDATE SET value, file_blob, file_name, mapping`:
    /// a produced output replaces the planned one's value (keeping its place, type and
    /// destination); an output not planned is added at the end.
    private static func upsert(_ produced: [ExecutionOutput], executionID: String, into state: inout State) {
        var current = state.outputs[executionID] ?? []
        for output in produced {
            if let index = current.firstIndex(where: { $0.name == output.name }) {
                current[index].value = output.value
                current[index].fileBlob = output.fileBlob
                current[index].fileName = output.fileName
                current[index].destination = output.destination
            } else {
                current.append(output)
            }
        }
        state.outputs[executionID] = current
    }

    /// The compare-and-set of the SQL store's transitions: started_at is set by a change to
    /// running (status changes only), ended_at by a change to a final status, the message
    /// only when one is given.
    private static func transition(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date, message: String?,
                                   setsStart: Bool, in state: inout State) -> Bool {
        guard let index = state.executions.firstIndex(where: { $0.id == id && $0.status == from }) else { return false }
        state.executions[index].status = to
        if setsStart, to == .running { state.executions[index].startedAt = at }
        if to.isFinal { state.executions[index].endedAt = at }
        if let message { state.executions[index].failureMessage = message }
        return true
    }

    func insertExecution(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput]) async throws {
        try injected(.insertExecution)
        try write { state in try Self.insert(execution, inputs: inputs, outputs: outputs, into: &state) }
    }

    func recordExecution(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput],
                         logs: [LogLine]) async throws {
        try write { state in
            try Self.insert(execution, inputs: inputs, outputs: outputs, into: &state)
            Self.append(logs, subject: .execution(execution.id), into: &state)
        }
    }

    func execution(workspaceID: String, id: String) async throws -> Execution? {
        read { $0.executions.first { $0.workspaceID == workspaceID && $0.id == id } }
    }

    func execution(id: String) async throws -> Execution? {
        read { $0.executions.first { $0.id == id } }
    }

    func listExecutions(workspaceID: String, pipelineName: String?) async throws -> [Execution] {
        read { state in
            Self.newestFirst(state.executions.filter {
                $0.workspaceID == workspaceID && (pipelineName == nil || $0.pipelineName == pipelineName)
            })
        }
    }

    func executionPage(_ query: ExecutionQuery) async throws -> ExecutionPage {
        read { state in
            let matching = state.executions.filter(query.matches).sorted { a, b in
                func key(_ e: Execution) -> String {
                    switch query.sort {
                    case .createdAt: ""
                    case .pipeline: e.pipelineName
                    case .status: e.status.rawValue
                    case .trigger: e.trigger.rawValue
                    }
                }
                let (ka, kb) = (key(a), key(b))
                if ka != kb { return query.descending ? ka > kb : ka < kb }
                if a.createdAt != b.createdAt { return query.descending ? a.createdAt > b.createdAt : a.createdAt < b.createdAt }
                return query.descending ? a.id > b.id : a.id < b.id
            }
            return ExecutionPage(executions: Array(matching.dropFirst(query.offset).prefix(query.limit)), total: matching.count)
        }
    }

    func latestExecution(workspaceID: String, pipelineName: String) async throws -> Execution? {
        try await listExecutions(workspaceID: workspaceID, pipelineName: pipelineName).first
    }

    func inputs(executionID: String) async throws -> [ExecutionInput] {
        read { $0.inputs[executionID] ?? [] }
    }

    func outputs(executionID: String) async throws -> [ExecutionOutput] {
        read { $0.outputs[executionID] ?? [] }
    }

    func updateExecutionStatus(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date,
                               message: String?) async throws -> Bool {
        try write { state in
            Self.transition(id: id, from: from, to: to, at: at, message: message, setsStart: true, in: &state)
        }
    }

    func saveOutputs(executionID: String, outputs: [ExecutionOutput]) async throws {
        try write { state in Self.upsert(outputs, executionID: executionID, into: &state) }
    }

    func finishExecution(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date, message: String?,
                         outputs: [ExecutionOutput], logs: [LogLine]) async throws -> Bool {
        try write { state in
            guard Self.transition(id: id, from: from, to: to, at: at, message: message, setsStart: false, in: &state) else {
                return false
            }
            Self.upsert(outputs, executionID: id, into: &state)
            Self.append(logs, subject: .execution(id), into: &state)
            return true
        }
    }

    /// Removes the execution with its I/O, metrics and tokens (its logs are deleted separately).
    func deleteExecution(id: String) async throws {
        try write { state in
            state.inputs[id] = nil
            state.outputs[id] = nil
            state.metrics.removeAll { $0.metric.executionID == id }
            state.listBatches.removeAll { $0.metric.executionID == id }
            state.tokens.removeAll { $0.executionID == id }
            state.executions.removeAll { $0.id == id }
        }
    }

    func unfinishedExecutions() async throws -> [Execution] {
        read { $0.executions.filter { $0.status == .pending || $0.status == .running } }
    }

    func appendLogs(_ lines: [LogLine], subject: LogSubject) async throws {
        guard !lines.isEmpty else { return }
        try write { state in Self.append(lines, subject: subject, into: &state) }
    }

    /// Lines of the subject with `from <= timestamp <= to`, in the order written, at most
    /// `limit` (default and ceiling 100 000, as in SQL).
    func logs(subject: LogSubject, query: LogQuery) async throws -> [LogLine] {
        let from = query.from?.timeIntervalSince1970 ?? -1
        let to = query.to?.timeIntervalSince1970 ?? 1e12
        let limit = min(max(query.limit ?? 100_000, 0), 100_000)
        return read { state in
            Array(state.logs.filter {
                $0.subject == subject && $0.line.timestamp.timeIntervalSince1970 >= from
                    && $0.line.timestamp.timeIntervalSince1970 <= to
            }.sorted { $0.id < $1.id }.prefix(limit).map(\.line))
        }
    }

    func deleteLogs(subject: LogSubject) async throws {
        try write { $0.logs.removeAll { $0.subject == subject } }
    }

    // MARK: - DeploymentStore

    /// The (workspace, name) and (workspace, endpoint path) constraints; NULL paths never collide.
    private static func checkUnique(_ deployment: Deployment, in state: State) throws {
        let others = state.deployments.filter { $0.id != deployment.id && $0.workspaceID == deployment.workspaceID }
        guard !others.contains(where: { $0.name == deployment.name }) else {
            throw duplicate("deployments.workspace_id, deployments.name")
        }
        if let path = deployment.endpointPath, others.contains(where: { $0.endpointPath == path }) {
            throw duplicate("deployments.workspace_id, deployments.endpoint_path")
        }
    }

    func insertDeployment(_ deployment: Deployment) async throws {
        try injected(.insertDeployment)
        try write { state in
            guard !state.deployments.contains(where: { $0.id == deployment.id }) else { throw Self.duplicate("deployments.id") }
            try Self.checkUnique(deployment, in: state)
            state.deployments.append(deployment)
        }
    }

    func deployment(workspaceID: String, name: String) async throws -> Deployment? {
        read { $0.deployments.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func deployment(workspaceID: String, endpointPath: String) async throws -> Deployment? {
        read { $0.deployments.first { $0.workspaceID == workspaceID && $0.endpointPath == endpointPath } }
    }

    func listDeployments(workspaceID: String) async throws -> [Deployment] {
        read { Self.byCreation($0.deployments.filter { $0.workspaceID == workspaceID }, \.createdAt) }
    }

    func allDeployments() async throws -> [Deployment] {
        read { Self.byCreation($0.deployments, \.createdAt) }
    }

    func deployments(pipelineID: String) async throws -> [Deployment] {
        read { Self.byCreation($0.deployments.filter { $0.pipelineID == pipelineID }, \.createdAt) }
    }

    /// Replaces the columns the SQL `UPDATE` sets; identity, pipeline, rule, mode and sizing stay.
    func updateDeployment(_ deployment: Deployment) async throws {
        try write { state in
            guard let index = state.deployments.firstIndex(where: { $0.id == deployment.id }) else { return }
            var row = state.deployments[index]
            row.description = deployment.description
            row.isEnabled = deployment.isEnabled
            row.status = deployment.status
            row.endpointPath = deployment.endpointPath
            row.endpointTokenHash = deployment.endpointTokenHash
            row.endpointTokenSealed = deployment.endpointTokenSealed
            row.schedule = deployment.schedule
            row.inputsMapping = deployment.inputsMapping
            row.outputsMapping = deployment.outputsMapping
            row.recordsInferences = deployment.recordsInferences
            row.generation = deployment.generation
            row.lastScheduledAt = deployment.lastScheduledAt
            row.updatedAt = deployment.updatedAt
            row.updatedBy = deployment.updatedBy
            try Self.checkUnique(row, in: state)
            state.deployments[index] = row
        }
    }

    func updateDeploymentStatus(id: String, from: DeploymentStatus, to: DeploymentStatus, at: Date) async throws -> Bool {
        try write { state in
            guard let index = state.deployments.firstIndex(where: { $0.id == id && $0.status == from }) else { return false }
            state.deployments[index].status = to
            state.deployments[index].updatedAt = at
            return true
        }
    }

    /// Applies only when the stored last slot is still `previous` (or unset when `previous` is nil).
    func claimScheduleSlots(_ claims: [ScheduleSlotClaim]) async throws -> Set<String> {
        try write { state in
            var claimed: Set<String> = []
            for claim in claims {
                guard let index = state.deployments.firstIndex(where: {
                    $0.id == claim.deploymentID
                        && $0.lastScheduledAt?.timeIntervalSince1970 == claim.previous?.timeIntervalSince1970
                }) else { continue }
                state.deployments[index].lastScheduledAt = claim.slot
                claimed.insert(claim.deploymentID)
            }
            return claimed
        }
    }

    func deleteDeployment(id: String) async throws {
        try write { $0.deployments.removeAll { $0.id == id } }
    }

    func listExecutions(workspaceID: String, deploymentName: String) async throws -> [Execution] {
        read { state in
            Self.newestFirst(state.executions.filter { $0.workspaceID == workspaceID && $0.deploymentName == deploymentName })
        }
    }

    func latestExecution(workspaceID: String, deploymentName: String) async throws -> Execution? {
        try await listExecutions(workspaceID: workspaceID, deploymentName: deploymentName).first
    }

    // MARK: - MetricStore

    /// One value per (execution, name): recording again replaces the value and its time.
    func upsertMetric(workspaceID: String, _ metric: MetricValue) async throws {
        try write { state in
            if let index = state.metrics.firstIndex(where: {
                $0.metric.executionID == metric.executionID && $0.metric.name == metric.name
            }) {
                state.metrics[index].metric.value = metric.value
                state.metrics[index].metric.createdAt = metric.createdAt
            } else {
                state.metrics.append(StoredMetric(workspaceID: workspaceID, metric: metric))
            }
        }
    }

    func appendListMetric(workspaceID: String, _ metric: ListMetric) async throws {
        try write { state in
            state.listBatches.append(StoredListBatch(id: state.nextRowID, workspaceID: workspaceID, metric: metric))
            state.nextRowID += 1
        }
    }

    private static func matches(_ filter: MetricFilter, name: String, pipelineName: String, deploymentName: String?,
                                executionID: String) -> Bool {
        (filter.name == nil || filter.name == name) && (filter.pipelineName == nil || filter.pipelineName == pipelineName)
            && (filter.deploymentName == nil || filter.deploymentName == deploymentName)
            && (filter.executionID == nil || filter.executionID == executionID)
    }

    /// `ORDER BY created_at, execution_id, name LIMIT … OFFSET …`, with the filtered total.
    func metrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<MetricValue> {
        read { state in
            let matching = state.metrics.filter {
                $0.workspaceID == workspaceID && Self.matches(filter, name: $0.metric.name, pipelineName: $0.metric.pipelineName,
                                                              deploymentName: $0.metric.deploymentName,
                                                              executionID: $0.metric.executionID)
            }.map(\.metric).sorted { a, b in
                if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
                if a.executionID != b.executionID { return Self.precedes(a.executionID, b.executionID) }
                return Self.precedes(a.name, b.name)
            }
            return Page(items: Array(matching.dropFirst(page.offset).prefix(page.itemsPerPage)), totalCount: matching.count)
        }
    }

    /// One item per (execution, name) series, in the order of its first batch, holding every
    /// batch's values in order; paginated over series.
    func listMetrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<ListMetric> {
        read { state in
            let matching = state.listBatches.filter {
                $0.workspaceID == workspaceID && Self.matches(filter, name: $0.metric.name, pipelineName: $0.metric.pipelineName,
                                                              deploymentName: $0.metric.deploymentName,
                                                              executionID: $0.metric.executionID)
            }.sorted { $0.id < $1.id }
            var order: [[String]] = []
            var groups: [[String]: [StoredListBatch]] = [:]
            for batch in matching {
                let key = [batch.metric.executionID, batch.metric.name]
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(batch)
            }
            let items = order.dropFirst(page.offset).prefix(page.itemsPerPage).map { key -> ListMetric in
                let batches = groups[key]!
                // The values come from every batch of the series in the workspace, as in SQL.
                let values = state.listBatches.filter {
                    $0.workspaceID == workspaceID && $0.metric.executionID == key[0] && $0.metric.name == key[1]
                }.sorted { $0.id < $1.id }.flatMap(\.metric.values)
                let pipelineNames = batches.map(\.metric.pipelineName)
                let deploymentNames = batches.compactMap(\.metric.deploymentName)
                return ListMetric(name: key[1], values: values, executionID: key[0],
                                  pipelineName: pipelineNames.min(by: Self.precedes)!,
                                  deploymentName: deploymentNames.min(by: Self.precedes),
                                  createdAt: batches.map(\.metric.createdAt).min()!)
            }
            return Page(items: Array(items), totalCount: order.count)
        }
    }

    // MARK: - DataStoreIndex

    func putObject(_ object: DataObject) async throws -> String? {
        try injected(.putObject)
        return try write { state -> String? in
            if let index = state.objects.firstIndex(where: { $0.workspaceID == object.workspaceID && $0.path == object.path }) {
                let previous = state.objects[index].blob
                state.objects[index] = object
                return previous
            }
            state.objects.append(object)
            return nil
        }
    }

    func updateObjectAttributes(workspaceID: String, path: String, etag: String, _ attributes: FileAttributes) async throws -> Bool {
        try write { state in
            guard let index = state.objects.firstIndex(where: { $0.workspaceID == workspaceID && $0.path == path && $0.etag == etag })
            else { return false }
            state.objects[index].attributes = attributes
            return true
        }
    }

    /// Adds many objects in one write (for tests that need large listings quickly; not part
    /// of the contract).
    func seed(objects: [DataObject]) {
        _ = try? write { state in state.objects.append(contentsOf: objects) }
    }

    func object(workspaceID: String, path: String) async throws -> DataObject? {
        read { $0.objects.first { $0.workspaceID == workspaceID && $0.path == path } }
    }

    /// The SQL range scan: `prefix <= path < prefix + U+10FFFF`, strictly after `after` when
    /// given (and at or after the prefix otherwise), by path in byte order, at most `limit`.
    func listObjects(workspaceID: String, prefix: String, after: String?, limit: Int) async throws -> [DataObject] {
        let upper = prefix + "\u{10FFFF}"
        let start = after.map { Self.precedes($0, prefix) ? prefix : $0 } ?? prefix
        let inclusive = after == nil
        return read { state in
            Array(state.objects.filter { object in
                object.workspaceID == workspaceID
                    && (Self.precedes(start, object.path) || (inclusive && object.path == start))
                    && Self.precedes(object.path, upper)
            }.sorted { Self.precedes($0.path, $1.path) }.prefix(max(0, limit)))
        }
    }

    func deleteObject(workspaceID: String, path: String) async throws -> String? {
        try write { state in
            guard let index = state.objects.firstIndex(where: { $0.workspaceID == workspaceID && $0.path == path }) else {
                return nil
            }
            return state.objects.remove(at: index).blob
        }
    }

    func createMultipartUpload(_ upload: MultipartUpload) async throws {
        try write { state in
            guard !state.uploads.contains(where: { $0.id == upload.id }) else { throw Self.duplicate("multipart_uploads.id") }
            state.uploads.append(upload)
        }
    }

    func multipartUpload(id: String) async throws -> MultipartUpload? {
        read { $0.uploads.first { $0.id == id } }
    }

    func deleteMultipartUpload(id: String) async throws {
        try write { $0.uploads.removeAll { $0.id == id } }
    }

    func setVariables(workspaceID: String, _ variables: [EnvironmentVariable]) async throws {
        try write { state in
            for variable in variables { state.variables[workspaceID, default: [:]][variable.name] = variable.value }
        }
    }

    /// `ORDER BY name` (byte order).
    func variables(workspaceID: String) async throws -> [EnvironmentVariable] {
        read { state in
            (state.variables[workspaceID] ?? [:]).map { EnvironmentVariable(name: $0.key, value: $0.value) }
                .sorted { Self.precedes($0.name, $1.name) }
        }
    }

    func deleteVariable(workspaceID: String, name: String) async throws -> EnvironmentVariable? {
        try write { state in
            guard let value = state.variables[workspaceID]?.removeValue(forKey: name) else { return nil }
            return EnvironmentVariable(name: name, value: value)
        }
    }
}
