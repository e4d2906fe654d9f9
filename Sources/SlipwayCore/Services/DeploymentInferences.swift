import Foundation

/// The inference records of a pipeline deployment, with only a store: turning their recording
/// on or off and reading them. The offline CLI uses it as it is; `DeploymentService` reads
/// through it and turns recording on or off in `update` (which also refreshes its cache at once;
/// a running server sees a change made here within `DeploymentDirectory.maxAge`).
public struct DeploymentInferences: Sendable {
    let store: any MetadataStore
    let now: @Sendable () -> Date

    public init(store: any MetadataStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Turns the recording of the deployment's endpoint executions on or off. An unknown
    /// deployment is a 404 and a periodic one refused (400), changing nothing.
    public func setRecording(_ on: Bool, workspaceID: String, deploymentName: String, userID: String) async throws
        -> Deployment {
        guard var deployment = try await store.deployment(workspaceID: workspaceID, name: deploymentName) else {
            throw SlipwayError.notFound("deployment", NameRules.printable(deploymentName))
        }
        if on { try DeploymentService.checkCanRecordInferences(deployment.rule, name: deployment.name) }
        guard deployment.recordsInferences != on else { return deployment }
        deployment.recordsInferences = on
        deployment.updatedAt = now()
        deployment.updatedBy = userID
        try await store.updateDeployment(deployment)
        try? await store.appendLogs([LogLine(timestamp: now(), stream: .system, message: Self.logMessage(on))],
                                    subject: .deployment(deployment.id))
        return deployment
    }

    /// What the deployment's logs say when recording is turned on or off.
    static func logMessage(_ on: Bool) -> String {
        on ? "Inference recording on: successful endpoint executions are recorded" : "Inference recording off"
    }

    /// One page of the deployment's records (shadow results aside), in time order; the
    /// window is `[start, end)`.
    public func records(of deployment: Deployment, start: Date? = nil, end: Date? = nil,
                        order: InferenceRecordQuery.Order = .newestFirst, limit: Int = InferenceRecordQuery.defaultLimit,
                        cursor: InferenceCursor? = nil) async throws -> InferenceRecordQuery.Page {
        try await records(workspaceID: deployment.workspaceID, deploymentID: deployment.id, start: start, end: end,
                          order: order, limit: limit, cursor: cursor)
    }

    /// The same for any deployment id of the workspace (a pipeline deployment or a model
    /// deployment: their ids never collide).
    public func records(workspaceID: String, deploymentID: String, start: Date? = nil, end: Date? = nil,
                        order: InferenceRecordQuery.Order = .newestFirst, limit: Int = InferenceRecordQuery.defaultLimit,
                        cursor: InferenceCursor? = nil) async throws -> InferenceRecordQuery.Page {
        let query = InferenceRecordQuery(workspaceID: workspaceID, deploymentID: deploymentID, start: start,
                                         end: end, order: order, limit: limit, cursor: cursor)
        try query.validate()
        return try await store.inferenceRecords(query)
    }
}
