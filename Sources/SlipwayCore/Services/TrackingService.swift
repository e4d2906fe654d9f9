import Foundation

/// Experiments and tracked runs: the rules (names unique per workspace, the default
/// experiment, parameters immutable once logged, size limits, read-only runs of executions),
/// over `TrackingStore`. Every call names its workspace; an id of another workspace is "not
/// found". Executions appear as read-only runs through `ExecutionRunReader` (see there why
/// they are read through rather than copied).
public struct TrackingService: Sendable {
    let platform: Platform
    public let limits: TrackingLimits
    let executionRuns: ExecutionRunReader

    public init(platform: Platform, limits: TrackingLimits = TrackingLimits()) {
        self.platform = platform
        self.limits = limits
        executionRuns = ExecutionRunReader(platform: platform)
    }

    var store: any MetadataStore { platform.store }

    /// Now, in milliseconds since 1970 (tracking's time unit).
    func nowMilliseconds() -> Int64 { Int64((platform.now().timeIntervalSince1970 * 1000).rounded()) }

    /// A new experiment id: a random 18-digit decimal number (unique across workspaces and
    /// nodes without coordination; decimal like the ids tracking clients show).
    static func newExperimentID() -> String {
        String(UInt64.random(in: 100_000_000_000_000_000...999_999_999_999_999_999))
    }

    /// A new run id: 32 lowercase hex digits.
    static func newRunID() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    // MARK: - Validation

    func validateKey(_ key: String, _ what: String) throws {
        guard !key.isEmpty else { throw SlipwayError.badRequest("\(what) key must not be empty") }
        guard key.count <= limits.maxKeyLength else {
            throw SlipwayError.badRequest("\(what) key '\(key.prefix(40))…' is \(key.count) characters long; the limit is \(limits.maxKeyLength)")
        }
        // Keys become paths in some stores: no parent references, no absolute paths.
        guard !key.hasPrefix("/"), !key.split(separator: "/", omittingEmptySubsequences: false).contains("..") else {
            throw SlipwayError.badRequest("\(what) key '\(key)' must be a relative name without '..'")
        }
    }

    func validateValue(_ value: String, key: String, limit: Int, _ what: String) throws {
        guard value.count <= limit else {
            throw SlipwayError.badRequest("\(what) '\(key)' has a value of \(value.count) characters; the limit is \(limit)")
        }
    }
}
