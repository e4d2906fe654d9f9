import Foundation

/// One column of a record batch (or a child of a nested column), decoded into Swift arrays.
///
/// Rows that are null still occupy a slot in `values` (holding 0, "", false or an empty list);
/// `validity` says which rows are null. Arrays built through the public initializer are checked
/// to agree with their type, so ``ArrowIPC/writeFile(_:)`` can always encode them.
public struct ArrowArray: Sendable, Equatable {
    /// The values of an array, by physical kind.
    public indirect enum Values: Sendable, Equatable {
        /// The null type: there are only nulls, `count` of them.
        case none
        case bools([Bool])
        /// int8 to int64, timestamps (in their unit), date32 (days), date64 (milliseconds).
        case integers([Int64])
        /// uint8 to uint64.
        case unsignedIntegers([UInt64])
        /// float16, float32 and float64.
        case floats([Double])
        /// utf8 and large_utf8.
        case strings([String])
        /// binary and large_binary.
        case bytes([Data])
        /// list and large_list: `count + 1` non-decreasing offsets into `values`; row `i` is
        /// `values[offsets[i]..<offsets[i + 1]]`.
        case lists(offsets: [Int], values: ArrowArray)
        /// fixed_size_list: `count × size` values, row `i` is the `i`-th run of `size`.
        case fixedSizeLists(ArrowArray)
        /// struct: one child array per field, each with `count` rows.
        case structs([ArrowArray])
    }

    public let type: ArrowType
    public let count: Int
    /// One flag per row, false where the row is null; nil when no row is null (the null type
    /// has nil here and every row null).
    public let validity: [Bool]?
    public let values: Values

    /// Creates an array after checking that `values` and `validity` agree with `type` and `count`
    /// (kinds, lengths, offsets, integer ranges, and the 2 GiB limit of 32-bit offsets).
    public init(type: ArrowType, count: Int, validity: [Bool]? = nil, values: Values) throws {
        self.init(unchecked: type, count: count, validity: validity, values: values)
        try validate()
    }

    init(unchecked type: ArrowType, count: Int, validity: [Bool]?, values: Values) {
        self.type = type
        self.count = count
        self.validity = validity.flatMap { $0.contains(false) ? $0 : nil }
        self.values = values
    }

    /// True if row `index` is null.
    public func isNull(_ index: Int) -> Bool {
        if case .null = type { return true }
        return validity.map { !$0[index] } ?? false
    }

    /// The number of null rows.
    public var nullCount: Int {
        if case .null = type { return count }
        return validity.map { $0.reduce(0) { $1 ? $0 : $0 + 1 } } ?? 0
    }
}
