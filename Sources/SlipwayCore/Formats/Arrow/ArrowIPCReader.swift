import Foundation

/// The state of one read: the input, the schema, the dictionaries received so far and the
/// remaining value budget (see ``ArrowBodyReader``).
struct ArrowIPCReader {
    /// Values (over all arrays of all batches) allowed per input byte, plus a fixed allowance.
    /// Real data needs at least one bit per value except for nested structs and the null type.
    static let valuesPerByte = 16
    static let baseValueBudget = 1 << 20

    let bytes: [UInt8]
    private var layout = ArrowSchemaLayout(schema: ArrowSchema(fields: []), encodings: [])
    private var dictionaries: [Int64: ArrowArray] = [:]
    private var elementBudget: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        elementBudget = bytes.count.multipliedReportingOverflow(by: Self.valuesPerByte).partialValue + Self.baseValueBudget
    }

    mutating func readFile() throws -> ArrowTable {
        let magic = ArrowIPC.magic
        guard bytes.count >= 6, bytes.starts(with: magic) else {
            throw ArrowError("the data is not an Arrow IPC file (it does not start with ARROW1)")
        }
        guard bytes.count >= 8 + 4 + 6, bytes.suffix(6).elementsEqual(magic) else {
            throw ArrowError.truncated("the Arrow file (it does not end with ARROW1)")
        }
        let footerLength = Int(Int32(bitPattern: ArrowMessageCursor.u32(bytes, bytes.count - 10)))
        let footerEnd = bytes.count - 10
        guard footerLength > 0, footerLength <= footerEnd - 8 else {
            throw ArrowError.corrupt("the file footer length \(footerLength) does not fit in the file")
        }
        let footerStart = footerEnd - footerLength
        var decoder = ArrowMetadataDecoder(reader: try FlatBufferReader(bytes: bytes, start: footerStart, end: footerEnd))
        let footer = try decoder.footer()
        layout = footer.schema

        func message(_ block: ArrowMetadataDecoder.Block, _ what: String) throws -> ArrowMessage {
            guard block.offset >= 8, block.offset < footerStart else {
                throw ArrowError.corrupt("a \(what) block of the footer points outside the file")
            }
            var cursor = ArrowMessageCursor(bytes: bytes, position: block.offset, end: footerStart)
            guard let message = try cursor.next() else {
                throw ArrowError.corrupt("a \(what) block of the footer points at the end-of-stream marker")
            }
            return message
        }
        for block in footer.dictionaries {
            let message = try message(block, "dictionary")
            guard case .dictionaryBatch(let id, let data, let isDelta) = message.header else {
                throw ArrowError.corrupt("a dictionary block points at a \(message.header.kindName) message")
            }
            try addDictionary(id: id, data: data, isDelta: isDelta, message: message)
        }
        var batches: [ArrowRecordBatch] = []
        for block in footer.recordBatches {
            let message = try message(block, "record batch")
            guard case .recordBatch(let header) = message.header else {
                throw ArrowError.corrupt("a record batch block points at a \(message.header.kindName) message")
            }
            batches.append(try recordBatch(header, message: message))
        }
        return ArrowTable(unchecked: layout.schema, batches: batches)
    }

    mutating func readStream() throws -> ArrowTable {
        var cursor = ArrowMessageCursor(bytes: bytes, position: 0)
        guard let first = try cursor.next() else { throw ArrowError("the Arrow stream is empty") }
        guard case .schema(let schema) = first.header else {
            throw ArrowError.corrupt("an Arrow stream must start with a Schema message, not \(first.header.kindName)")
        }
        layout = schema
        var batches: [ArrowRecordBatch] = []
        while let message = try cursor.next() {
            switch message.header {
            case .recordBatch(let header):
                batches.append(try recordBatch(header, message: message))
            case .dictionaryBatch(let id, let data, let isDelta):
                try addDictionary(id: id, data: data, isDelta: isDelta, message: message)
            case .schema:
                throw ArrowError.corrupt("the Arrow stream has a second Schema message")
            case .other(let name):
                throw ArrowError.unsupported("the Arrow stream has a \(name) message")
            }
        }
        return ArrowTable(unchecked: layout.schema, batches: batches)
    }

    private mutating func recordBatch(_ header: ArrowMessage.RecordBatchHeader, message: ArrowMessage) throws -> ArrowRecordBatch {
        var body = ArrowBodyReader(bytes: bytes, message: message, header: header, dictionaries: dictionaries,
                                   elementBudget: elementBudget)
        let columns = try body.columns(layout)
        elementBudget = body.elementBudget
        return ArrowRecordBatch(unchecked: header.length, columns: columns)
    }

    private mutating func addDictionary(
        id: Int64, data: ArrowMessage.RecordBatchHeader, isDelta: Bool, message: ArrowMessage
    ) throws {
        guard let entry = layout.dictionaryFields().first(where: { $0.dictionary.id == id }) else {
            throw ArrowError.corrupt("a dictionary batch has id \(id), which no field of the schema uses")
        }
        guard entry.field.type.children.isEmpty else {
            throw ArrowError.unsupported(
                "dictionary-encoded column \(ArrowError.quoted(entry.path)) has \(entry.field.type.name) values; only dictionaries of flat values are supported")
        }
        var body = ArrowBodyReader(bytes: bytes, message: message, header: data, dictionaries: [:],
                                   elementBudget: elementBudget)
        var valueField = entry.field
        valueField.nullable = true
        let values = try body.array(valueField, .init(children: []), path: entry.path, depth: 1)
        elementBudget = body.elementBudget
        if isDelta, let existing = dictionaries[id] {
            dictionaries[id] = existing.appending(values)
        } else {
            dictionaries[id] = values
        }
    }
}
