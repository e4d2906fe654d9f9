import Foundation

/// Assays and the stored results of their scheduled runs. Lookups are scoped by workspace where
/// an API names the object: an id of another workspace reads as absent.
public protocol AssayStore: Sendable {
    func insertAssay(_ assay: Assay) async throws
    func assay(id: String) async throws -> Assay?
    /// The pipeline's assays, newest first.
    func assays(pipelineID: String) async throws -> [Assay]
    /// Every active assay (what the scheduler looks at).
    func activeAssays() async throws -> [Assay]
    /// Sets whether it is active; false when there is no such assay.
    func setAssayActive(id: String, active: Bool, at time: Date) async throws -> Bool
    /// Stores the results of windows `analyzedWindows ..< through` and moves the assay's position
    /// there, only if its position is still `analyzedWindows` (a compare-and-set, so a window is
    /// stored once even when two schedulers race); returns whether it did.
    func recordAssayResults(_ results: [AssayResult], assayID: String, from analyzedWindows: Int, through: Int,
                            at time: Date) async throws -> Bool
    /// Stored results of the assay whose window starts in `[start, end)`, oldest first, at most `limit`.
    func assayResults(assayID: String, start: Date?, end: Date?, limit: Int) async throws -> [AssayResult]
    /// Stored results with the alert status in a workspace, newest first.
    func assayAlerts(workspaceID: String, limit: Int) async throws -> [AssayResult]
}
