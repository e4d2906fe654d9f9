/// The footer of a Parquet file (Parquet's `FileMetaData`), as decoded from Thrift.
struct ParquetFileMetaData: Sendable {
    var version: Int32 = 0
    var schema: [ParquetSchemaElement] = []
    var rowCount: Int64 = 0
    var rowGroups: [ParquetRowGroup] = []
    var keyValueMetadata: [(key: String, value: String?)] = []
    var createdBy: String?

    /// Fields: 1 version, 2 schema, 3 num_rows, 4 row_groups, 5 key_value_metadata,
    /// 6 created_by; 7 column_orders, 8 encryption_algorithm and later ones are skipped.
    init(_ reader: inout ThriftCompactReader) throws {
        var seen = Set<Int16>()
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .i32): version = try reader.readI32()
            case (2, .list): schema = try reader.readList(of: .structure, depth: 1) { try ParquetSchemaElement(&$0, depth: 2) }
            case (3, .i64): rowCount = try reader.readI64()
            case (4, .list): rowGroups = try reader.readList(of: .structure, depth: 1) { try ParquetRowGroup(&$0, depth: 2) }
            case (5, .list):
                keyValueMetadata = try reader.readList(of: .structure, depth: 1) { try Self.keyValue(&$0, depth: 2) }
            case (6, .binary): createdBy = try reader.readString()
            case (8, .structure): throw ParquetError.unsupported("the file is encrypted")
            default:
                try reader.skip(field.type, depth: 1)
                continue
            }
            seen.insert(field.id)
        }
        guard seen.isSuperset(of: [2, 3, 4]) else {
            throw ParquetError.corrupt("the file metadata lacks its schema, row count or row groups")
        }
    }

    /// A `KeyValue`: 1 key, 2 value (optional).
    private static func keyValue(_ reader: inout ThriftCompactReader, depth: Int) throws -> (key: String, value: String?) {
        var key: String?
        var value: String?
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .binary): key = try reader.readString()
            case (2, .binary): value = try reader.readString()
            default: try reader.skip(field.type, depth: depth + 1)
            }
        }
        guard let key else { throw ParquetError.corrupt("a key-value metadata entry has no key") }
        return (key, value)
    }
}
