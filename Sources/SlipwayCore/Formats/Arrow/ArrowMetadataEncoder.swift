import Foundation

/// Builds Arrow's flatbuffer metadata (`Message`, `Schema`, `RecordBatch`, `Footer` tables)
/// with ``FlatBufferTableBuilder``. Slot numbers are the field ids of Arrow's `.fbs` files.
enum ArrowMetadataEncoder {
    /// Metadata version V5, the current one (what pyarrow ≥ 1.0 writes).
    static let version: Int16 = 4

    /// Where one message lies in a file (Arrow's `Block` struct).
    struct Block {
        var offset: Int
        var metadataLength: Int
        var bodyLength: Int
    }

    static func schemaMessage(_ schema: ArrowSchema) -> [UInt8] {
        message(kind: 1, header: self.schema(schema), bodyLength: 0)
    }

    static func recordBatchMessage(
        length: Int, nodes: [ArrowMessage.RecordBatchHeader.Node], buffers: [ArrowMessage.RecordBatchHeader.Buffer],
        bodyLength: Int
    ) -> [UInt8] {
        var batch = FlatBufferTableBuilder()
        batch.i64(0, Int64(length))
        var nodeBytes: [UInt8] = []
        for node in nodes {
            FlatBufferBuilder.append(&nodeBytes, Int64(node.length))
            FlatBufferBuilder.append(&nodeBytes, Int64(node.nullCount))
        }
        batch.structs(1, bytes: nodeBytes, count: nodes.count, alignment: 8)
        var bufferBytes: [UInt8] = []
        for buffer in buffers {
            FlatBufferBuilder.append(&bufferBytes, Int64(buffer.offset))
            FlatBufferBuilder.append(&bufferBytes, Int64(buffer.length))
        }
        batch.structs(2, bytes: bufferBytes, count: buffers.count, alignment: 8)
        return message(kind: 3, header: batch, bodyLength: bodyLength)
    }

    static func footer(_ schema: ArrowSchema, recordBatches: [Block]) -> [UInt8] {
        var footer = FlatBufferTableBuilder()
        footer.i16(0, version)
        footer.table(1, self.schema(schema))
        footer.structs(2, bytes: [], count: 0, alignment: 8)
        var blockBytes: [UInt8] = []
        for block in recordBatches {
            FlatBufferBuilder.append(&blockBytes, Int64(block.offset))
            FlatBufferBuilder.append(&blockBytes, Int32(block.metadataLength))
            FlatBufferBuilder.append(&blockBytes, Int32(0))
            FlatBufferBuilder.append(&blockBytes, Int64(block.bodyLength))
        }
        footer.structs(3, bytes: blockBytes, count: recordBatches.count, alignment: 8)
        return FlatBufferBuilder.serialize(root: footer)
    }

    private static func message(kind: UInt8, header: FlatBufferTableBuilder, bodyLength: Int) -> [UInt8] {
        var message = FlatBufferTableBuilder()
        message.i16(0, version)
        message.u8(1, kind)
        message.table(2, header)
        message.i64(3, Int64(bodyLength))
        return FlatBufferBuilder.serialize(root: message)
    }

    // MARK: Schema

    static func schema(_ schema: ArrowSchema) -> FlatBufferTableBuilder {
        var table = FlatBufferTableBuilder()
        table.i16(0, 0)  // little-endian
        table.tables(1, schema.fields.map(field))
        if !schema.metadata.isEmpty { table.tables(2, keyValues(schema.metadata)) }
        return table
    }

    private static func field(_ field: ArrowField) -> FlatBufferTableBuilder {
        var table = FlatBufferTableBuilder()
        table.string(0, field.name)
        table.bool(1, field.nullable)
        let (kind, parameters) = type(field.type)
        table.u8(2, kind)
        table.table(3, parameters)
        table.tables(5, field.children.map(self.field))
        if !field.metadata.isEmpty { table.tables(6, keyValues(field.metadata)) }
        return table
    }

    /// The `Type` union member id and table of a type.
    private static func type(_ type: ArrowType) -> (UInt8, FlatBufferTableBuilder) {
        var table = FlatBufferTableBuilder()
        func integer(_ width: Int32, signed: Bool) -> (UInt8, FlatBufferTableBuilder) {
            table.i32(0, width)
            table.bool(1, signed)
            return (2, table)
        }
        func floating(_ precision: Int16) -> (UInt8, FlatBufferTableBuilder) {
            table.i16(0, precision)
            return (3, table)
        }
        switch type {
        case .null: return (1, table)
        case .int8: return integer(8, signed: true)
        case .int16: return integer(16, signed: true)
        case .int32: return integer(32, signed: true)
        case .int64: return integer(64, signed: true)
        case .uint8: return integer(8, signed: false)
        case .uint16: return integer(16, signed: false)
        case .uint32: return integer(32, signed: false)
        case .uint64: return integer(64, signed: false)
        case .float16: return floating(0)
        case .float32: return floating(1)
        case .float64: return floating(2)
        case .binary: return (4, table)
        case .utf8: return (5, table)
        case .bool: return (6, table)
        case .date32:
            table.i16(0, 0)
            return (8, table)
        case .date64:
            table.i16(0, 1)
            return (8, table)
        case .timestamp(let unit, let timezone):
            table.i16(0, unit.rawValue)
            if let timezone { table.string(1, timezone) }
            return (10, table)
        case .list: return (12, table)
        case .struct: return (13, table)
        case .fixedSizeList(_, let size):
            table.i32(0, Int32(clamping: size))
            return (16, table)
        case .largeBinary: return (19, table)
        case .largeUTF8: return (20, table)
        case .largeList: return (21, table)
        }
    }

    private static func keyValues(_ metadata: [String: String]) -> [FlatBufferTableBuilder] {
        metadata.sorted { $0.key < $1.key }.map { key, value in
            var entry = FlatBufferTableBuilder()
            entry.string(0, key)
            entry.string(1, value)
            return entry
        }
    }
}
