import Foundation

/// Decodes the body of one record batch (or dictionary batch) into ``ArrowArray``s, walking the
/// schema depth first and taking field nodes and buffers in order, as the IPC format lays them
/// out: validity bitmap first, then offsets and/or data, per the type.
///
/// Every buffer is checked to lie inside the message body and to be long enough for the values
/// read from it; offsets are checked to be non-decreasing and inside their data; the total
/// number of values decoded is limited by ``elementBudget`` (which the caller derives from the
/// input size), because arrays of the null type need no buffers at all and buffers may be
/// shared between columns, so without it a tiny input could ask for billions of values.
struct ArrowBodyReader {
    let bytes: [UInt8]
    let bodyStart: Int
    let bodyLength: Int
    let header: ArrowMessage.RecordBatchHeader
    let dictionaries: [Int64: ArrowArray]
    var elementBudget: Int
    private var nextNode = 0
    private var nextBuffer = 0

    init(bytes: [UInt8], message: ArrowMessage, header: ArrowMessage.RecordBatchHeader,
         dictionaries: [Int64: ArrowArray], elementBudget: Int) {
        self.bytes = bytes
        bodyStart = message.bodyStart
        bodyLength = message.bodyLength
        self.header = header
        self.dictionaries = dictionaries
        self.elementBudget = elementBudget
    }

    /// Decodes one array per top-level field; each must have the batch's length.
    mutating func columns(_ layout: ArrowSchemaLayout) throws -> [ArrowArray] {
        try spend(header.length)
        var columns: [ArrowArray] = []
        for (field, encoding) in zip(layout.schema.fields, layout.encodings) {
            let column = try array(field, encoding, path: field.name, depth: 1)
            guard column.count == header.length else {
                throw ArrowError.corrupt("column \(ArrowError.quoted(field.name)) has \(column.count) rows in a batch of \(header.length)")
            }
            columns.append(column)
        }
        return columns
    }

    // MARK: Nodes and buffers

    private mutating func spend(_ count: Int) throws {
        elementBudget -= count
        guard elementBudget >= 0 else {
            throw ArrowError.corrupt("the record batches declare more values than the input's size allows")
        }
    }

    private mutating func node(_ path: String) throws -> ArrowMessage.RecordBatchHeader.Node {
        guard nextNode < header.nodes.count else {
            throw ArrowError.corrupt("the record batch has no field node for column \(ArrowError.quoted(path))")
        }
        defer { nextNode += 1 }
        let node = header.nodes[nextNode]
        try spend(node.length)
        return node
    }

    /// The next buffer as an absolute byte range of the input.
    private mutating func buffer(_ path: String) throws -> Range<Int> {
        guard nextBuffer < header.buffers.count else {
            throw ArrowError.corrupt("the record batch has too few buffers for column \(ArrowError.quoted(path))")
        }
        defer { nextBuffer += 1 }
        let buffer = header.buffers[nextBuffer]
        guard buffer.offset <= bodyLength, buffer.length <= bodyLength - buffer.offset else {
            throw ArrowError.corrupt("a buffer of column \(ArrowError.quoted(path)) lies outside its message body")
        }
        return (bodyStart + buffer.offset)..<(bodyStart + buffer.offset + buffer.length)
    }

    private func require(_ range: Range<Int>, count: Int, width: Int, _ path: String) throws {
        let (needed, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, needed <= range.count else {
            throw ArrowError.corrupt("a buffer of column \(ArrowError.quoted(path)) is too short for its \(count) values")
        }
    }

    /// Reads `count` bits of a bitmap (least significant bit first).
    private func bits(_ range: Range<Int>, count: Int, _ path: String) throws -> [Bool] {
        try require(range, count: (count + 7) / 8, width: 1, path)
        let start = range.lowerBound
        return (0..<count).map { bytes[start + ($0 >> 3)] & (1 << UInt8($0 & 7)) != 0 }
    }

    private mutating func validity(_ node: ArrowMessage.RecordBatchHeader.Node, _ path: String) throws -> [Bool]? {
        let range = try buffer(path)
        guard node.nullCount > 0 else { return nil }
        return try bits(range, count: node.length, path)
    }

    private func load<T: FixedWidthInteger>(_ range: Range<Int>, count: Int, as: T.Type, _ path: String) throws -> [T] {
        try require(range, count: count, width: MemoryLayout<T>.size, path)
        let start = range.lowerBound
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * MemoryLayout<T>.size, as: T.self)) }
        }
    }

    /// Reads `count + 1` offsets (32- or 64-bit), checked to be non-negative and non-decreasing.
    /// An empty array may have an empty offsets buffer.
    private mutating func offsets(count: Int, large: Bool, _ path: String) throws -> [Int] {
        let range = try buffer(path)
        if count == 0, range.isEmpty { return [0] }
        let offsets: [Int] = large
            ? try load(range, count: count + 1, as: Int64.self, path).map { Int($0) }
            : try load(range, count: count + 1, as: Int32.self, path).map { Int($0) }
        guard offsets[0] >= 0, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has negative or decreasing offsets")
        }
        return offsets
    }

    // MARK: Arrays

    mutating func array(
        _ field: ArrowField, _ encoding: ArrowSchemaLayout.Encoding, path: String, depth: Int
    ) throws -> ArrowArray {
        guard depth <= ArrowMetadataDecoder.maxDepth else {
            throw ArrowError.unsupported("column \(ArrowError.quoted(path)) nests more than \(ArrowMetadataDecoder.maxDepth) levels deep")
        }
        if let dictionary = encoding.dictionary {
            return try dictionaryArray(field, dictionary, path: path)
        }
        let type = field.type
        if case .null = type {
            let node = try node(path)
            return ArrowArray(unchecked: .null, count: node.length, validity: nil, values: .none)
        }
        let node = try node(path)
        let count = node.length
        let validity = try validity(node, path)
        func make(_ values: ArrowArray.Values) -> ArrowArray {
            ArrowArray(unchecked: type, count: count, validity: validity, values: values)
        }
        switch type {
        case .null:
            preconditionFailure("handled above")
        case .bool:
            return make(.bools(try bits(try buffer(path), count: count, path)))
        case .int8:
            return make(.integers(try load(try buffer(path), count: count, as: Int8.self, path).map { Int64($0) }))
        case .int16:
            return make(.integers(try load(try buffer(path), count: count, as: Int16.self, path).map { Int64($0) }))
        case .int32, .date32:
            return make(.integers(try load(try buffer(path), count: count, as: Int32.self, path).map { Int64($0) }))
        case .int64, .date64, .timestamp:
            return make(.integers(try load(try buffer(path), count: count, as: Int64.self, path)))
        case .uint8:
            return make(.unsignedIntegers(try load(try buffer(path), count: count, as: UInt8.self, path).map { UInt64($0) }))
        case .uint16:
            return make(.unsignedIntegers(try load(try buffer(path), count: count, as: UInt16.self, path).map { UInt64($0) }))
        case .uint32:
            return make(.unsignedIntegers(try load(try buffer(path), count: count, as: UInt32.self, path).map { UInt64($0) }))
        case .uint64:
            return make(.unsignedIntegers(try load(try buffer(path), count: count, as: UInt64.self, path)))
        case .float16:
            return make(.floats(try load(try buffer(path), count: count, as: UInt16.self, path).map { Double(ArrowHalfFloat.float(fromBits: $0)) }))
        case .float32:
            return make(.floats(try load(try buffer(path), count: count, as: UInt32.self, path).map { Double(Float(bitPattern: $0)) }))
        case .float64:
            return make(.floats(try load(try buffer(path), count: count, as: UInt64.self, path).map { Double(bitPattern: $0) }))
        case .utf8, .largeUTF8, .binary, .largeBinary:
            let large = type == .largeUTF8 || type == .largeBinary
            let offsets = try offsets(count: count, large: large, path)
            let data = try buffer(path)
            guard offsets[count] <= data.count else {
                throw ArrowError.corrupt("column \(ArrowError.quoted(path)) has offsets past the end of its data")
            }
            let base = data.lowerBound
            if type == .utf8 || type == .largeUTF8 {
                var strings: [String] = []
                strings.reserveCapacity(count)
                for row in 0..<count {
                    guard let text = String(validating: bytes[(base + offsets[row])..<(base + offsets[row + 1])], as: UTF8.self) else {
                        throw ArrowError("column \(ArrowError.quoted(path)) has a value that is not valid UTF-8 (row \(row))")
                    }
                    strings.append(text)
                }
                return make(.strings(strings))
            }
            return make(.bytes((0..<count).map { Data(bytes[(base + offsets[$0])..<(base + offsets[$0 + 1])]) }))
        case .list(let element), .largeList(let element):
            let large: Bool = if case .largeList = type { true } else { false }
            let offsets = try offsets(count: count, large: large, path)
            let child = try array(element, encoding.children.first ?? .init(children: []), path: path + "[]", depth: depth + 1)
            guard offsets[count] <= child.count else {
                throw ArrowError.corrupt("list column \(ArrowError.quoted(path)) has offsets past the end of its values")
            }
            return make(.lists(offsets: offsets, values: child))
        case .fixedSizeList(let element, let size):
            let child = try array(element, encoding.children.first ?? .init(children: []), path: path + "[]", depth: depth + 1)
            let (expected, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, child.count == expected else {
                throw ArrowError.corrupt("fixed-size list column \(ArrowError.quoted(path)) has \(child.count) values for \(count) lists of \(size)")
            }
            return make(.fixedSizeLists(child))
        case .struct(let fields):
            var children: [ArrowArray] = []
            for (index, member) in fields.enumerated() {
                let memberEncoding = index < encoding.children.count ? encoding.children[index] : .init(children: [])
                let child = try array(member, memberEncoding, path: path + "." + member.name, depth: depth + 1)
                guard child.count == count else {
                    throw ArrowError.corrupt("struct member \(ArrowError.quoted(path + "." + member.name)) has \(child.count) rows, not \(count)")
                }
                children.append(child)
            }
            return make(.structs(children))
        }
    }

    /// Reads a dictionary-encoded array's indices and replaces them by the dictionary's values.
    private mutating func dictionaryArray(
        _ field: ArrowField, _ dictionary: ArrowSchemaLayout.Dictionary, path: String
    ) throws -> ArrowArray {
        let node = try node(path)
        let count = node.length
        let validity = try validity(node, path)
        let data = try buffer(path)
        let indices: [Int64]
        switch dictionary.indexType {
        case .int8: indices = try load(data, count: count, as: Int8.self, path).map { Int64($0) }
        case .int16: indices = try load(data, count: count, as: Int16.self, path).map { Int64($0) }
        case .int32: indices = try load(data, count: count, as: Int32.self, path).map { Int64($0) }
        case .uint8: indices = try load(data, count: count, as: UInt8.self, path).map { Int64($0) }
        case .uint16: indices = try load(data, count: count, as: UInt16.self, path).map { Int64($0) }
        case .uint32: indices = try load(data, count: count, as: UInt32.self, path).map { Int64($0) }
        default:
            indices = try load(data, count: count, as: Int64.self, path)
        }
        guard let values = dictionaries[dictionary.id] else {
            throw ArrowError.corrupt("dictionary-encoded column \(ArrowError.quoted(path)) refers to dictionary \(dictionary.id), which was not sent before it")
        }
        var positions: [Int] = []
        positions.reserveCapacity(count)
        for (row, index) in indices.enumerated() {
            if let validity, !validity[row] {
                positions.append(-1)
            } else {
                guard index >= 0, index < Int64(values.count) else {
                    throw ArrowError.corrupt("dictionary-encoded column \(ArrowError.quoted(path)) has index \(index) at row \(row), outside its dictionary of \(values.count)")
                }
                positions.append(Int(index))
            }
        }
        return values.gathering(positions)
    }
}
