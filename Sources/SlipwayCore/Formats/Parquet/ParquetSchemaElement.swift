/// One node of the footer's flattened schema tree (Parquet's `SchemaElement`): the root, a
/// group or a leaf column. Groups have `childCount > 0`; leaves have a physical type.
struct ParquetSchemaElement: Sendable {
    enum Repetition: Int32, Sendable {
        case required = 0
        case optional = 1
        case repeated = 2
    }

    var type: ParquetPhysicalType?
    var typeLength: Int32?
    var repetition: Repetition?
    var name = ""
    var childCount: Int32?
    var logicalType: ParquetLogicalType?
    var convertedType: Int32?
    var scale: Int32?
    var precision: Int32?

    /// Fields: 1 type, 2 type_length, 3 repetition_type, 4 name, 5 num_children,
    /// 6 converted_type, 7 scale, 8 precision, 9 field_id, 10 logicalType.
    init(_ reader: inout ThriftCompactReader, depth: Int) throws {
        guard depth < ThriftCompactReader.maxDepth else { throw ParquetError.corrupt("the metadata is nested too deeply") }
        var hasName = false
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .i32): type = try ParquetPhysicalType(reading: &reader)
            case (2, .i32): typeLength = try reader.readI32()
            case (3, .i32):
                let raw = try reader.readI32()
                guard let repetition = Repetition(rawValue: raw) else {
                    throw ParquetError.corrupt("a column has an unknown repetition \(raw)")
                }
                self.repetition = repetition
            case (4, .binary):
                name = try reader.readString()
                hasName = true
            case (5, .i32): childCount = try reader.readI32()
            case (6, .i32): convertedType = try reader.readI32()
            case (7, .i32): scale = try reader.readI32()
            case (8, .i32): precision = try reader.readI32()
            case (10, .structure): logicalType = try ParquetLogicalType.decode(&reader, depth: depth + 1)
            default: try reader.skip(field.type, depth: depth + 1)
            }
        }
        guard hasName else { throw ParquetError.corrupt("a schema element has no name") }
    }

    /// The element's meaning: its LogicalType when it has one, else its ConvertedType.
    var resolvedLogicalType: ParquetLogicalType {
        if let logicalType, logicalType != .none { return logicalType }
        if let convertedType { return .converted(convertedType, scale: scale, precision: precision) }
        return .none
    }
}
