import Foundation

/// Each workspace's own retention of inference records, and the bounded deletion of the
/// records (and of whatever the store derived from them) older than a cutoff.
public protocol InferenceRetentionStore: Sendable {
    /// The workspace's own setting; nil when it has none (the server's default applies).
    func inferenceRetention(workspaceID: String) async throws -> InferenceRetention?
    /// Stores the workspace's own setting, or removes it with nil.
    func setInferenceRetention(workspaceID: String, _ retention: InferenceRetention?, at time: Date) async throws
    /// Every workspace's own setting, by workspace id.
    func inferenceRetentions() async throws -> [String: InferenceRetention]
    /// Deletes, in one short write, at most `limit` of the workspace's records whose time is
    /// before `cutoff` (shadow results included), and brings at most `limit` rows of what the
    /// store derived from records (per-feature columns) in line: afterwards nothing read from
    /// them includes a deleted record. Call again until it returns an empty count.
    func purgeInferenceRecords(workspaceID: String, before cutoff: Date, limit: Int) async throws -> InferencePurgeCount
}
