import Foundation

/// Binds data-store folders to monitored models, so that capture files written there are
/// ingested into the model (`CaptureIngestor` does the ingesting), and reports what became of
/// them. A binding lives in its model's workspace; the same folder may feed several models,
/// but one model may not be bound to two folders that overlap (a file would count twice).
public struct CaptureBindingService: Sendable {
    let store: any MetadataStore
    let now: @Sendable () -> Date

    /// Files listed with each binding at most (most recent first); totals count every file.
    public static let recentFileLimit = 100

    public init(store: any MetadataStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Binds `folder` to the model. Files already in the folder are not ingested: only those
    /// written from now on.
    public func bind(folder raw: String, to model: MonitoredModel, by userID: String) async throws -> CaptureBinding {
        let folder = try CaptureBinding.folder(raw)
        for existing in try await store.captureBindings(workspaceID: model.workspaceID)
        where existing.modelID == model.id && existing.overlaps(folder) {
            throw SlipwayError.conflict(existing.folder == folder
                ? "folder '\(NameRules.printable(folder))' is already bound to model '\(NameRules.printable(model.displayName))'"
                : "folder '\(NameRules.printable(folder))' overlaps folder '\(NameRules.printable(existing.folder))', "
                    + "already bound to model '\(NameRules.printable(model.displayName))'")
        }
        let binding = CaptureBinding(id: UUID().uuidString.lowercased(), workspaceID: model.workspaceID, modelID: model.id,
                                     folder: folder, createdBy: userID, createdAt: now())
        try await store.insertCaptureBinding(binding)
        return binding
    }

    /// The model's binding with this id (another model's, or another workspace's, is not found).
    public func binding(id: String, of model: MonitoredModel) async throws -> CaptureBinding {
        guard let binding = try await store.captureBinding(id: id), binding.modelID == model.id,
              binding.workspaceID == model.workspaceID
        else { throw SlipwayError.notFound("capture binding", NameRules.printable(id)) }
        return binding
    }

    /// Stops ingesting the binding's folder; what was ingested, and the records of it, stay.
    public func unbind(id: String, of model: MonitoredModel) async throws {
        let binding = try await binding(id: id, of: model)
        guard try await store.deleteCaptureBinding(id: binding.id) else {
            throw SlipwayError.notFound("capture binding", NameRules.printable(id))
        }
    }

    /// The model's bindings with their outcomes, oldest binding first.
    public func reports(of model: MonitoredModel) async throws -> [CaptureBindingReport] {
        try await reports(try await store.captureBindings(workspaceID: model.workspaceID).filter { $0.modelID == model.id })
    }

    /// Every binding of the workspace with its outcomes, oldest first.
    public func reports(workspaceID: String) async throws -> [CaptureBindingReport] {
        try await reports(try await store.captureBindings(workspaceID: workspaceID))
    }

    public func report(of binding: CaptureBinding) async throws -> CaptureBindingReport {
        CaptureBindingReport(binding: binding, totals: try await store.captureIngestionTotals(bindingID: binding.id),
                             recentFiles: try await store.recentCaptureIngestions(bindingID: binding.id, limit: Self.recentFileLimit))
    }

    private func reports(_ bindings: [CaptureBinding]) async throws -> [CaptureBindingReport] {
        var reports: [CaptureBindingReport] = []
        for binding in bindings { reports.append(try await report(of: binding)) }
        return reports
    }
}
