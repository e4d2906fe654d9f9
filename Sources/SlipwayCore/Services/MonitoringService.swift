import Foundation

/// Models served elsewhere whose inferences Slipway records: registered with typed attributes,
/// fed inferences (one by one, in files, or as endpoint capture files) and ground truth, and
/// queried. Every model belongs to one workspace; asking for it from another is a 404.
///
/// Its records go to the shared inference-record store (deployment and pipeline id = the
/// model's id), where drift and record queries read them as any served inference.
public struct MonitoringService: Sendable {
    let platform: Platform

    public init(platform: Platform) {
        self.platform = platform
    }

    var store: any MetadataStore { platform.store }

    /// Largest number of inferences (or ground truths, or reference rows) in one call.
    public static let maximumRecordsPerCall = 500_000

    public func createModel(_ draft: MonitoredModelDraft, in workspace: Workspace, by user: User) async throws -> MonitoredModel {
        try draft.validate()
        if try await store.monitoredModel(workspaceID: workspace.id, partnerModelID: draft.partnerModelID) != nil {
            throw SlipwayError.conflict("a model with partner model id '\(NameRules.printable(draft.partnerModelID))' already exists")
        }
        let now = platform.now()
        let model = MonitoredModel(
            id: UUID().uuidString.lowercased(), workspaceID: workspace.id, partnerModelID: draft.partnerModelID,
            displayName: draft.displayName ?? draft.partnerModelID, description: draft.description,
            inputKind: draft.inputKind, outputKind: draft.outputKind, isBatch: draft.isBatch, status: .ready,
            attributes: draft.attributes.sorted { ($0.stage.order, $0.position) < ($1.stage.order, $1.position) },
            createdBy: user.id, createdAt: now, updatedAt: now)
        try await store.insertMonitoredModel(model)
        return model
    }

    /// The workspace's model with this id (another workspace's is not found).
    public func model(id: String, in workspace: Workspace) async throws -> MonitoredModel {
        guard let model = try await store.monitoredModel(id: id), model.workspaceID == workspace.id else {
            throw SlipwayError.notFound("model", NameRules.printable(id))
        }
        return model
    }

    public func model(partnerModelID: String, in workspace: Workspace) async throws -> MonitoredModel {
        guard let model = try await store.monitoredModel(workspaceID: workspace.id, partnerModelID: partnerModelID) else {
            throw SlipwayError.notFound("model with partner model id", NameRules.printable(partnerModelID))
        }
        return model
    }

    public func models(in workspace: Workspace) async throws -> [MonitoredModel] {
        try await store.monitoredModels(workspaceID: workspace.id)
    }

    /// Deletes the model with everything recorded for it.
    public func delete(_ model: MonitoredModel) async throws {
        try await store.deleteMonitoredModel(id: model.id)
    }
}

extension MonitoredAttribute.Stage {
    /// Stages in the order attributes are listed: inputs, other data, predictions, ground truth.
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
