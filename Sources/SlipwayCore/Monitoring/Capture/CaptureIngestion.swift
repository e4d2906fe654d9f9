import Foundation

/// What became of one version of one capture file for one binding: the ingestion record that
/// makes ingestion happen once. Its key is (binding, object path, object version); the version
/// is the object's content hash, so rewriting a file with other content is a new version
/// (ingested again) and rewriting it with the same content is not.
///
/// A record is `pending` while a node holds its claim (`claimToken`, until `claimedUntil`); a
/// claim that expired (its node died, or the attempt failed for a reason that may pass) can be
/// taken again. `ingested` and `failed` are final.
public struct CaptureIngestion: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case pending
        case ingested
        case failed
    }

    public var bindingID: String
    public var workspaceID: String
    public var modelID: String
    public var path: String
    public var version: String
    public var size: Int64
    public var status: Status
    /// Inferences stored, refused, and found in the file (a refused line counts as one).
    public var successCount: Int
    public var failureCount: Int
    public var totalCount: Int
    /// The first refusals' messages (at most `maximumFailureMessages`), or why the file as a
    /// whole could not be ingested.
    public var failures: [String]
    /// Attempts so far (claims taken).
    public var attempts: Int
    public var claimToken: String?
    public var claimedUntil: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public static let maximumFailureMessages = 20

    public init(bindingID: String, workspaceID: String, modelID: String, path: String, version: String, size: Int64,
                status: Status = .pending, successCount: Int = 0, failureCount: Int = 0, totalCount: Int = 0,
                failures: [String] = [], attempts: Int = 1, claimToken: String? = nil, claimedUntil: Date? = nil,
                createdAt: Date, updatedAt: Date) {
        self.bindingID = bindingID
        self.workspaceID = workspaceID
        self.modelID = modelID
        self.path = path
        self.version = version
        self.size = size
        self.status = status
        self.successCount = successCount
        self.failureCount = failureCount
        self.totalCount = totalCount
        self.failures = failures
        self.attempts = attempts
        self.claimToken = claimToken
        self.claimedUntil = claimedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether a scan should (re)try it at `now`: a pending record whose claim has expired.
    public func isRetryable(at now: Date) -> Bool {
        status == .pending && (claimedUntil.map { $0 <= now } ?? true)
    }
}
