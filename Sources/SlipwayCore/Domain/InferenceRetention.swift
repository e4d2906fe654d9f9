import Foundation

/// How long a workspace keeps its inference records: for ever, or a number of whole days
/// counted back from now. Records older than the cutoff are deleted by the retention pass.
public enum InferenceRetention: Sendable, Equatable, CustomStringConvertible {
    case forever
    case days(Int)

    /// The longest retention that can be set in days (100 years); longer is `forever`.
    public static let maximumDays = 36_500

    /// `days` as a retention, refused (400) unless it is 1 to `maximumDays`.
    public static func validated(days: Int) throws(SlipwayError) -> InferenceRetention {
        if let problem = problem(days: days) { throw .badRequest(problem) }
        return .days(days)
    }

    /// Why `days` cannot be a retention, or nil when it can (for callers that report it their way).
    public static func problem(days: Int) -> String? {
        if days < 1 {
            return "inference retention must be at least 1 day (got \(days)); use 'forever' to keep every record"
        }
        if days > maximumDays {
            return "inference retention must be at most \(maximumDays) days (got \(days)); use 'forever' to keep every record"
        }
        return nil
    }

    /// Records strictly older than this are expired at `now`; nil when nothing expires.
    public func cutoff(now: Date) -> Date? {
        switch self {
        case .forever: return nil
        case .days(let days): return now.addingTimeInterval(-Double(days) * 86_400)
        }
    }

    /// The number of days, nil for `forever` (how stores keep it).
    public var days: Int? {
        if case .days(let days) = self { return days }
        return nil
    }

    public var description: String {
        switch self {
        case .forever: return "forever"
        case .days(let days): return days == 1 ? "1 day" : "\(days) days"
        }
    }
}
