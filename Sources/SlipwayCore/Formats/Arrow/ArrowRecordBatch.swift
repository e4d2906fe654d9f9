import Foundation

/// A group of rows of an Arrow table: one array per schema field, all with `count` rows.
public struct ArrowRecordBatch: Sendable, Equatable {
    public let count: Int
    public let columns: [ArrowArray]

    /// Creates a batch; every column must have `count` rows.
    public init(count: Int, columns: [ArrowArray]) throws {
        guard count >= 0 else { throw ArrowError("a record batch cannot have a negative row count") }
        for (index, column) in columns.enumerated() where column.count != count {
            throw ArrowError("column \(index) of a record batch has \(column.count) rows, not \(count)")
        }
        self.init(unchecked: count, columns: columns)
    }

    init(unchecked count: Int, columns: [ArrowArray]) {
        self.count = count
        self.columns = columns
    }
}
