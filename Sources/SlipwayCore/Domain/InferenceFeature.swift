import Foundation

/// One numeric series inside inference records: an input or output feature and, for a vector
/// feature, one element of it (a scalar feature is element 0). Drift is computed per series.
public struct InferenceFeature: Sendable, Hashable, Codable {
    public enum Side: String, Sendable, Codable, CaseIterable {
        case input
        case output
    }

    public var side: Side
    public var name: String
    public var element: Int

    /// Vector features get a column per element up to this many elements; longer vectors are
    /// read from the records themselves.
    public static let maximumColumnElements = 64

    public init(side: Side, name: String, element: Int = 0) {
        self.side = side
        self.name = name
        self.element = element
    }

    public func validate() throws(SlipwayError) {
        guard NameRules.isPrintableLabel(name, maximumBytes: InferenceRecord.maximumFeatureNameBytes) else {
            throw .badRequest("feature name '\(NameRules.printable(name))' must be 1 to "
                + "\(InferenceRecord.maximumFeatureNameBytes) bytes without control characters")
        }
        guard element >= 0 else { throw .badRequest("feature element index must not be negative") }
    }

    /// The series' value in a record: a number (booleans as 0/1) or the element of a numeric
    /// vector; NaN when that number is not finite; nil when the record has no such number
    /// (the feature is absent, not numeric, or a shorter vector).
    public func value(in record: InferenceRecord) -> Double? {
        switch (side == .input ? record.inputs : record.outputs)[name] {
        case .vector(let values)?:
            guard element < values.count else { return nil }
            return values[element].isFinite ? values[element] : .nan
        case .number(let number)? where element == 0:
            return number.isFinite ? number : .nan
        case .bool(let flag)? where element == 0:
            return flag ? 1 : 0
        default:
            return nil
        }
    }
}
