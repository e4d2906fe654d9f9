/// One row group of a Parquet file: a horizontal slice of the rows, holding one column chunk
/// per leaf column (Parquet's `RowGroup`).
public struct ParquetRowGroup: Sendable {
    /// Rows in this group.
    public internal(set) var rowCount: Int = 0
    /// One chunk per leaf column, in schema order.
    public internal(set) var columns: [ParquetColumnChunk] = []

    /// Fields: 1 columns, 2 total_byte_size, 3 num_rows; the others are skipped.
    init(_ reader: inout ThriftCompactReader, depth: Int) throws {
        guard depth < ThriftCompactReader.maxDepth else { throw ParquetError.corrupt("the metadata is nested too deeply") }
        var hasColumns = false
        var hasRows = false
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .list):
                columns = try reader.readList(of: .structure, depth: depth + 1) { try ParquetColumnChunk(&$0, depth: depth + 2) }
                hasColumns = true
            case (3, .i64):
                let rows = try reader.readI64()
                guard rows >= 0, let count = Int(exactly: rows) else { throw ParquetError.corrupt("a row group has a negative row count") }
                rowCount = count
                hasRows = true
            default: try reader.skip(field.type, depth: depth + 1)
            }
        }
        guard hasColumns, hasRows else { throw ParquetError.corrupt("a row group lacks its columns or row count") }
    }
}
