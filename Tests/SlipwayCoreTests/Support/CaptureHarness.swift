import Foundation

@testable import SlipwayCore

/// A service harness with a monitored model (`MonitoringServiceDataCaptureTests.attributes`),
/// a capture ingestor and a data store that hands it every object it stores, as `CoreServices`
/// wires them: what the capture binding tests start from.
struct CaptureHarness: Sendable {
    let h: ServiceHarness
    let monitoring: MonitoringService
    let captures: CaptureIngestor
    let bindings: CaptureBindingService
    /// The data store with ingestion (`h.dataStore` has none: writing through it is a write
    /// whose ingestion never ran, as when the server died right after).
    let dataStore: DataStoreService
    let model: MonitoredModel

    static let lease: TimeInterval = 60

    static func make(limits: Limits = Limits(executionTimeout: .seconds(5), longPollHold: .seconds(15)),
                     maximumAttempts: Int = 3) async throws -> CaptureHarness {
        let h = try await ServiceHarness.make(limits: limits)
        let monitoring = MonitoringService(platform: h.platform)
        let captures = CaptureIngestor(platform: h.platform, monitoring: monitoring, claimLease: lease,
                                       maximumAttempts: maximumAttempts)
        guard let user = try await h.accounts.user(id: h.principal.userID) else { throw SlipwayError.internal("no admin user") }
        let model = try await monitoring.createModel(
            MonitoredModelDraft(partnerModelID: "captured", inputKind: .tabular, outputKind: .regression,
                                attributes: MonitoringServiceDataCaptureTests.attributes),
            in: h.workspace, by: user)
        return CaptureHarness(h: h, monitoring: monitoring, captures: captures,
                              bindings: CaptureBindingService(store: h.store, now: { h.clock.now }),
                              dataStore: DataStoreService(platform: h.platform, captures: captures), model: model)
    }

    /// A capture file of one CSV event per id (inputs `1.5,16,a,true`, prediction 0.25).
    static func captureFile(ids: [String]) -> String {
        ids.map { MonitoringServiceDataCaptureTests.line(input: "1.5,16,a,true", output: "0.25", eventID: $0) }
            .joined(separator: "\n") + "\n"
    }

    func bind(_ folder: String) async throws -> CaptureBinding {
        try await bindings.bind(folder: folder, to: model, by: h.principal.userID)
    }

    /// Stores an object through the data store with ingestion (ingested in the background).
    @discardableResult
    func write(_ path: String, _ text: String) async throws -> DataObject {
        let writer = try await h.blobs.makeWriter()
        try await writer.write(Data(text.utf8))
        return try await dataStore.attach(blob: try await writer.commit(), workspaceID: h.workspace.id, path: try ObjectPath(path))
    }

    /// External ids of the model's stored inferences, sorted (a repeated id would show twice).
    var storedIDs: [String] {
        h.store.snapshot.inferenceRecords.filter { $0.deploymentID == model.id }.compactMap(\.externalID).sorted()
    }

    var records: [CaptureIngestion] { h.store.snapshot.captures.ingestions }

    /// The record of the file's current version once it is final (polls: ingestion runs in the background).
    func settled(_ path: String) async throws -> CaptureIngestion {
        let clock = ContinuousClock()
        let deadline = clock.now + ServiceHarness.patience
        while true {
            let current = try await h.store.object(workspaceID: h.workspace.id, path: path)
            if let record = records.first(where: { $0.path == path && $0.version == current?.etag }), record.status != .pending {
                return record
            }
            guard clock.now < deadline else { throw SlipwayError.internal("'\(path)' was not ingested in time") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
