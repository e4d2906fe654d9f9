import Foundation

/// Decodes Arrow's flatbuffer metadata (`Message.fbs`, `Schema.fbs`, `File.fbs`) into Slipway's
/// types. Slot numbers below are the field ids of those schemas (a union takes two slots).
///
/// Hostile metadata can only produce an ``ArrowError``: the ``FlatBufferReader`` checks every
/// access, field nesting is limited to ``maxDepth`` levels, and the number of fields decoded is
/// limited by the buffer size so that tables shared by many offsets cannot multiply the work.
struct ArrowMetadataDecoder {
    /// Deepest accepted nesting of fields (a top-level column is depth 1).
    static let maxDepth = 64

    let reader: FlatBufferReader
    private var fieldBudget: Int

    init(reader: FlatBufferReader) {
        self.reader = reader
        fieldBudget = (reader.end - reader.start) / 4 + 64
    }

    // MARK: Message

    /// Decodes a `Message` table whose body starts at `bodyStart`.
    mutating func message(bodyStart: Int) throws -> ArrowMessage {
        let table = try reader.root()
        let version = try table.i16(0)
        guard version >= 3 else {
            throw ArrowError.unsupported("IPC metadata version V\(version + 1) is too old (V4 or V5 is needed)")
        }
        guard version <= 4 else {
            throw ArrowError.unsupported("IPC metadata version V\(version + 1) is newer than V5")
        }
        let bodyLength = try table.i64(3)
        guard bodyLength >= 0 else { throw ArrowError.corrupt("a message has a negative body length") }
        let kind = try table.u8(1)
        let header: ArrowMessage.Header
        switch kind {
        case 1:
            guard let schemaTable = try table.table(2) else { throw ArrowError.corrupt("a Schema message has no schema") }
            header = .schema(try schema(schemaTable))
        case 2:
            guard let batch = try table.table(2) else { throw ArrowError.corrupt("a DictionaryBatch message has no header") }
            guard let data = try batch.table(1) else { throw ArrowError.corrupt("a DictionaryBatch message has no data") }
            header = .dictionaryBatch(id: try batch.i64(0), data: try recordBatch(data), isDelta: try batch.bool(2))
        case 3:
            guard let batch = try table.table(2) else { throw ArrowError.corrupt("a RecordBatch message has no header") }
            header = .recordBatch(try recordBatch(batch))
        case 4: header = .other("Tensor")
        case 5: header = .other("SparseTensor")
        default: throw ArrowError.corrupt("a message has unknown header type \(kind)")
        }
        guard bodyLength <= Int64(Int.max / 2) else { throw ArrowError.truncated("a message body") }
        return ArrowMessage(header: header, bodyStart: bodyStart, bodyLength: Int(bodyLength))
    }

    // MARK: Footer

    /// A `Block` of the file footer: where one message lies in the file.
    struct Block {
        var offset: Int
        var metadataLength: Int
        var bodyLength: Int
    }

    /// Decodes a `Footer` table: the schema and the dictionary and record batch blocks.
    mutating func footer() throws -> (schema: ArrowSchemaLayout, dictionaries: [Block], recordBatches: [Block]) {
        let table = try reader.root()
        guard let schemaTable = try table.table(1) else { throw ArrowError.corrupt("the file footer has no schema") }
        let layout = try schema(schemaTable)
        func blocks(_ slot: Int) throws -> [Block] {
            guard let vector = try table.vector(slot, elementSize: 24) else { return [] }
            return try (0..<vector.count).map { index in
                let at = vector.position(index)
                let offset = try reader.i64(at)
                let metadataLength = try reader.i32(at + 8)
                let bodyLength = try reader.i64(at + 16)
                guard offset >= 0, metadataLength >= 0, bodyLength >= 0,
                      offset <= Int64(Int32.max) * 1024, bodyLength <= Int64(Int32.max) * 1024
                else { throw ArrowError.corrupt("the file footer has a block with a negative or absurd offset or length") }
                return Block(offset: Int(offset), metadataLength: Int(metadataLength), bodyLength: Int(bodyLength))
            }
        }
        return (layout, try blocks(2), try blocks(3))
    }

    // MARK: Record batches

    private func recordBatch(_ table: FlatBufferTable) throws -> ArrowMessage.RecordBatchHeader {
        if try table.table(3) != nil {
            throw ArrowError.unsupported(
                "the record batch is compressed (LZ4/ZSTD body compression); send it uncompressed (compression=None)")
        }
        let length = try table.i64(0)
        guard length >= 0, length <= Int64(Int32.max) * 1024 else {
            throw ArrowError.corrupt("a record batch has a negative or absurd length (\(length))")
        }
        var nodes: [ArrowMessage.RecordBatchHeader.Node] = []
        if let vector = try table.vector(1, elementSize: 16) {
            nodes.reserveCapacity(vector.count)
            for index in 0..<vector.count {
                let nodeLength = try reader.i64(vector.position(index))
                let nullCount = try reader.i64(vector.position(index) + 8)
                guard nodeLength >= 0, nullCount >= 0, nullCount <= nodeLength, nodeLength <= Int64(Int32.max) * 1024 else {
                    throw ArrowError.corrupt("a record batch has an array with an invalid length or null count")
                }
                nodes.append(.init(length: Int(nodeLength), nullCount: Int(nullCount)))
            }
        }
        var buffers: [ArrowMessage.RecordBatchHeader.Buffer] = []
        if let vector = try table.vector(2, elementSize: 16) {
            buffers.reserveCapacity(vector.count)
            for index in 0..<vector.count {
                let offset = try reader.i64(vector.position(index))
                let bufferLength = try reader.i64(vector.position(index) + 8)
                guard offset >= 0, bufferLength >= 0, offset <= Int64(Int32.max) * 1024, bufferLength <= Int64(Int32.max) * 1024 else {
                    throw ArrowError.corrupt("a record batch has a buffer with a negative or absurd offset or length")
                }
                buffers.append(.init(offset: Int(offset), length: Int(bufferLength)))
            }
        }
        return .init(length: Int(length), nodes: nodes, buffers: buffers)
    }

    // MARK: Schema

    mutating func schema(_ table: FlatBufferTable) throws -> ArrowSchemaLayout {
        if try table.i16(0) != 0 {
            throw ArrowError.unsupported("the data is big-endian; only little-endian Arrow data is read")
        }
        var fields: [ArrowField] = []
        var encodings: [ArrowSchemaLayout.Encoding] = []
        if let vector = try table.vector(1, elementSize: 4) {
            for index in 0..<vector.count {
                let (field, encoding) = try self.field(try vector.table(index), depth: 1, path: nil)
                fields.append(field)
                encodings.append(encoding)
            }
        }
        return ArrowSchemaLayout(schema: ArrowSchema(fields: fields, metadata: try metadata(table, slot: 2)),
                                 encodings: encodings)
    }

    private mutating func field(
        _ table: FlatBufferTable, depth: Int, path: String?
    ) throws -> (ArrowField, ArrowSchemaLayout.Encoding) {
        guard depth <= Self.maxDepth else {
            throw ArrowError.unsupported("the schema nests fields more than \(Self.maxDepth) levels deep")
        }
        fieldBudget -= 1
        guard fieldBudget >= 0 else { throw ArrowError.corrupt("the schema has more fields than its size allows") }
        let name = try table.string(0) ?? ""
        let fullPath = path.map { "\($0).\(name)" } ?? name
        var children: [ArrowField] = []
        var childEncodings: [ArrowSchemaLayout.Encoding] = []
        if let vector = try table.vector(5, elementSize: 4) {
            for index in 0..<vector.count {
                let (child, encoding) = try field(try vector.table(index), depth: depth + 1, path: fullPath)
                children.append(child)
                childEncodings.append(encoding)
            }
        }
        let type = try self.type(kind: try table.u8(2), table: try table.table(3), children: children, path: fullPath)
        var dictionary: ArrowSchemaLayout.Dictionary?
        if let encodingTable = try table.table(4) {
            var indexType = ArrowType.int32
            if let intTable = try encodingTable.table(1) {
                indexType = try integerType(intTable, path: fullPath)
            }
            dictionary = .init(id: try encodingTable.i64(0), indexType: indexType)
        }
        let field = ArrowField(name, type, nullable: try table.bool(1), metadata: try metadata(table, slot: 6))
        return (field, .init(dictionary: dictionary, children: childEncodings))
    }

    private func type(kind: UInt8, table: FlatBufferTable?, children: [ArrowField], path: String) throws -> ArrowType {
        func one() throws -> ArrowField {
            guard children.count == 1 else {
                throw ArrowError.corrupt("list column \(ArrowError.quoted(path)) has \(children.count) child fields instead of 1")
            }
            return children[0]
        }
        func parameters() throws -> FlatBufferTable {
            guard let table else { throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has no type parameters") }
            return table
        }
        switch kind {
        case 1: return .null
        case 2: return try integerType(try parameters(), path: path)
        case 3:
            switch try parameters().i16(0) {
            case 0: return .float16
            case 1: return .float32
            case 2: return .float64
            case let precision: throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has unknown float precision \(precision)")
            }
        case 4: return .binary
        case 5: return .utf8
        case 6: return .bool
        case 8:
            // Date's unit defaults to MILLISECOND when the table or field is absent.
            switch try table?.i16(0, default: 1) ?? 1 {
            case 0: return .date32
            case 1: return .date64
            case let unit: throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has unknown date unit \(unit)")
            }
        case 10:
            let parameters = try parameters()
            let rawUnit = try parameters.i16(0)
            guard let unit = ArrowTimeUnit(rawValue: rawUnit) else {
                throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has unknown time unit \(rawUnit)")
            }
            return .timestamp(unit, timezone: try parameters.string(1))
        case 12: return .list(try one())
        case 13: return .struct(children)
        case 16:
            let size = try parameters().i32(0)
            guard size >= 0 else { throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has a negative list size") }
            return .fixedSizeList(try one(), size: Int(size))
        case 19: return .largeBinary
        case 20: return .largeUTF8
        case 21: return .largeList(try one())
        default:
            let names: [UInt8: String] = [
                7: "decimal", 9: "time", 11: "interval", 14: "union", 15: "fixed_size_binary", 17: "map",
                18: "duration", 22: "run_end_encoded", 23: "binary_view", 24: "string_view", 25: "list_view",
                26: "large_list_view",
            ]
            guard let name = names[kind] else {
                throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has unknown type id \(kind)")
            }
            throw ArrowError.unsupported("column \(ArrowError.quoted(path)) has type \(name), which Slipway does not read")
        }
    }

    private func integerType(_ table: FlatBufferTable, path: String) throws -> ArrowType {
        let signed = try table.bool(1)
        switch (try table.i32(0), signed) {
        case (8, true): return .int8
        case (16, true): return .int16
        case (32, true): return .int32
        case (64, true): return .int64
        case (8, false): return .uint8
        case (16, false): return .uint16
        case (32, false): return .uint32
        case (64, false): return .uint64
        case (let width, _): throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has an integer width of \(width) bits")
        }
    }

    private func metadata(_ table: FlatBufferTable, slot: Int) throws -> [String: String] {
        guard let vector = try table.vector(slot, elementSize: 4) else { return [:] }
        var out: [String: String] = [:]
        for index in 0..<vector.count {
            let entry = try vector.table(index)
            out[try entry.string(0) ?? ""] = try entry.string(1) ?? ""
        }
        return out
    }
}
