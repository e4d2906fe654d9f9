import Foundation

/// Capture bindings (data-store folders bound to monitored models) and the ingestion records
/// of the files written under them. An ingestion record is unique per (binding, path,
/// version): claiming it is how a file is ingested once, even with several nodes scanning.
public protocol CaptureBindingStore: Sendable {
    /// Inserts the binding; a second binding of the same (model, folder) is refused.
    func insertCaptureBinding(_ binding: CaptureBinding) async throws
    func captureBinding(id: String) async throws -> CaptureBinding?
    /// The workspace's bindings, oldest first.
    func captureBindings(workspaceID: String) async throws -> [CaptureBinding]
    /// Every binding of every workspace, oldest first (what scans look at).
    func allCaptureBindings() async throws -> [CaptureBinding]
    /// Removes the binding (its ingestion records stay); false when there is none.
    func deleteCaptureBinding(id: String) async throws -> Bool

    /// Takes the claim of `ingestion`'s (binding, path, version) for its `claimToken` until its
    /// `claimedUntil`: inserts it when there is no record yet, or takes over a pending record
    /// whose claim expired before `now` (counting one more attempt, keeping its creation time).
    /// Returns the record as claimed, or nil when another claim holds it or it is final.
    func claimCaptureIngestion(_ ingestion: CaptureIngestion, now: Date) async throws -> CaptureIngestion?
    /// Writes the outcome of a claimed attempt (status, counts, failures, claim) only while the
    /// record still carries `claimToken`; returns whether it did.
    func finishCaptureIngestion(_ ingestion: CaptureIngestion, claimToken: String) async throws -> Bool
    /// The binding's records of these paths (any version).
    func captureIngestions(bindingID: String, paths: [String]) async throws -> [CaptureIngestion]
    /// The binding's records, most recently changed first, at most `limit`.
    func recentCaptureIngestions(bindingID: String, limit: Int) async throws -> [CaptureIngestion]
    func captureIngestionTotals(bindingID: String) async throws -> CaptureIngestionTotals
}
