import Foundation

/// Inference records turned into numeric columns, so that statistics over many records (drift,
/// summaries) read only the columns they need, as contiguous arrays of `Double`.
///
/// A column is one scalar feature, or one element of a vector feature (`input.tensor[3]`).
/// Numbers and booleans (as 0 or 1) fill columns; a row whose feature is missing, null,
/// non-finite or not numeric (a string, other JSON, a vector too short) is null in that column.
/// Rows keep the order of the records given.
public struct InferenceBatch: Sendable, Equatable {
    public enum Side: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
        case input
        case output
        case groundTruth = "ground_truth"

        public static func < (lhs: Side, rhs: Side) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Names one column: a feature of one side, and for a vector feature the element's index.
    public struct ColumnKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
        public var side: Side
        public var name: String
        public var index: Int?

        public init(_ side: Side, _ name: String, index: Int? = nil) {
            self.side = side
            self.name = name
            self.index = index
        }

        /// `input.tensor[3]`, `output.score`.
        public var description: String {
            "\(side.rawValue).\(name)" + (index.map { "[\($0)]" } ?? "")
        }

        public static func < (lhs: ColumnKey, rhs: ColumnKey) -> Bool {
            (lhs.side, lhs.name, lhs.index ?? -1) < (rhs.side, rhs.name, rhs.index ?? -1)
        }
    }

    /// One value per row; `values[row]` is 0 where `isNull[row]`.
    public struct Column: Sendable, Equatable {
        public private(set) var values: [Double]
        public private(set) var isNull: [Bool]

        init(rowCount: Int) {
            values = Array(repeating: 0, count: rowCount)
            isNull = Array(repeating: true, count: rowCount)
        }

        mutating func set(_ value: Double, at row: Int) {
            values[row] = value
            isNull[row] = false
        }

        public subscript(row: Int) -> Double? { isNull[row] ? nil : values[row] }

        public var nullCount: Int { isNull.reduce(0) { $0 + ($1 ? 1 : 0) } }

        /// The values of the rows that are not null, in row order.
        public var nonNullValues: [Double] {
            zip(values, isNull).compactMap { $1 ? nil : $0 }
        }
    }

    public let recordIDs: [String]
    public let times: [Date]
    public let columns: [ColumnKey: Column]

    public var rowCount: Int { recordIDs.count }

    /// Column keys, sorted: inputs, outputs, then ground truth; by name; scalar before elements.
    public var keys: [ColumnKey] { columns.keys.sorted() }

    public subscript(key: ColumnKey) -> Column? { columns[key] }

    /// Builds the columns of `records`. With `only`, exactly those columns are built (a column
    /// no row fills is all null); without it, every column some row fills.
    public init(records: some Collection<InferenceRecord>, only selection: Set<ColumnKey>? = nil) {
        let rowCount = records.count
        var columns: [ColumnKey: Column] = [:]
        if let selection {
            for key in selection { columns[key] = Column(rowCount: rowCount) }
        }
        func fill(_ key: ColumnKey, _ value: Double?, row: Int) {
            guard let value, value.isFinite else { return }
            if columns[key] == nil {
                guard selection == nil else { return }
                columns[key] = Column(rowCount: rowCount)
            }
            columns[key]!.set(value, at: row)
        }
        for (row, record) in records.enumerated() {
            for (side, features) in [(Side.input, record.inputs), (.output, record.outputs), (.groundTruth, record.groundTruth ?? [:])] {
                for (name, feature) in features {
                    if case .vector(let elements) = feature {
                        for (index, element) in elements.enumerated() {
                            fill(ColumnKey(side, name, index: index), element, row: row)
                        }
                    } else {
                        fill(ColumnKey(side, name), feature.numericValue, row: row)
                    }
                }
            }
        }
        recordIDs = records.map(\.id)
        times = records.map(\.time)
        self.columns = columns
    }
}
