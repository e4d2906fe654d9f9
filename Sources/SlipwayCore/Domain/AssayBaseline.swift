import Foundation

/// What an assay compares every window with: a pipeline's records of a fixed time range
/// (optionally of one model), or values given up front.
public enum AssayBaseline: Sendable, Equatable, Codable {
    case fixed(modelName: String?, start: Date, end: Date)
    case values([Double])

    public static let maximumValues = 1_000_000

    public func validate() throws(SlipwayError) {
        switch self {
        case .fixed(let modelName, let start, let end):
            guard start.timeIntervalSince1970.isFinite, end.timeIntervalSince1970.isFinite, start < end else {
                throw .badRequest("the baseline's start must be before its end")
            }
            if let modelName, modelName.isEmpty { throw .badRequest("the baseline's model name must not be empty") }
        case .values(let values):
            guard !values.isEmpty else { throw .badRequest("a baseline of values needs at least one value") }
            guard values.count <= Self.maximumValues else {
                throw .badRequest("a baseline of values holds at most \(Self.maximumValues) values")
            }
        }
    }

    /// Where windows start when the assay does not say: at the end of a fixed baseline.
    public var end: Date? {
        if case .fixed(_, _, let end) = self { return end }
        return nil
    }
}
