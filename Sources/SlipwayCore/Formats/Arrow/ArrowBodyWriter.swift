import Foundation

/// Encodes arrays into a record batch body: field nodes and buffers in depth-first order, each
/// buffer padded to a multiple of 8 bytes. An absent validity bitmap (no nulls) is written as
/// an empty buffer, as Arrow C++ does; the null type has no buffers at all.
struct ArrowBodyWriter {
    private(set) var nodes: [ArrowMessage.RecordBatchHeader.Node] = []
    private(set) var buffers: [ArrowMessage.RecordBatchHeader.Buffer] = []
    private(set) var body: [UInt8] = []

    mutating func append(_ array: ArrowArray) {
        nodes.append(.init(length: array.count, nullCount: array.nullCount))
        if case .null = array.type { return }
        if let validity = array.validity {
            addBuffer(Self.bitmap(validity))
        } else {
            addBuffer([])
        }
        switch array.values {
        case .none:
            break
        case .bools(let values):
            addBuffer(Self.bitmap(values))
        case .integers(let values):
            switch array.type {
            case .int8: addBuffer(Self.little(values.map { Int8(truncatingIfNeeded: $0) }))
            case .int16: addBuffer(Self.little(values.map { Int16(truncatingIfNeeded: $0) }))
            case .int32, .date32: addBuffer(Self.little(values.map { Int32(truncatingIfNeeded: $0) }))
            default: addBuffer(Self.little(values))
            }
        case .unsignedIntegers(let values):
            switch array.type {
            case .uint8: addBuffer(values.map { UInt8(truncatingIfNeeded: $0) })
            case .uint16: addBuffer(Self.little(values.map { UInt16(truncatingIfNeeded: $0) }))
            case .uint32: addBuffer(Self.little(values.map { UInt32(truncatingIfNeeded: $0) }))
            default: addBuffer(Self.little(values))
            }
        case .floats(let values):
            switch array.type {
            case .float16: addBuffer(Self.little(values.map { ArrowHalfFloat.bits(from: Float($0)) }))
            case .float32: addBuffer(Self.little(values.map { Float($0).bitPattern }))
            default: addBuffer(Self.little(values.map(\.bitPattern)))
            }
        case .strings(let values):
            var data: [UInt8] = []
            var offsets = [0]
            for value in values {
                data += value.utf8
                offsets.append(data.count)
            }
            addOffsets(offsets, large: array.type == .largeUTF8)
            addBuffer(data)
        case .bytes(let values):
            var data: [UInt8] = []
            var offsets = [0]
            for value in values {
                data += value
                offsets.append(data.count)
            }
            addOffsets(offsets, large: array.type == .largeBinary)
            addBuffer(data)
        case .lists(let offsets, let child):
            let large: Bool = if case .largeList = array.type { true } else { false }
            addOffsets(offsets, large: large)
            append(child)
        case .fixedSizeLists(let child):
            append(child)
        case .structs(let children):
            for child in children { append(child) }
        }
    }

    private mutating func addOffsets(_ offsets: [Int], large: Bool) {
        addBuffer(large ? Self.little(offsets.map { Int64($0) }) : Self.little(offsets.map { Int32(truncatingIfNeeded: $0) }))
    }

    private mutating func addBuffer(_ bytes: [UInt8]) {
        buffers.append(.init(offset: body.count, length: bytes.count))
        body += bytes
        body += [UInt8](repeating: 0, count: (8 - body.count % 8) % 8)
    }

    /// Packs flags into a bitmap, least significant bit first.
    static func bitmap(_ flags: [Bool]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (flags.count + 7) / 8)
        for (index, flag) in flags.enumerated() where flag { out[index >> 3] |= 1 << UInt8(index & 7) }
        return out
    }

    static func little<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values { withUnsafeBytes(of: value.littleEndian) { out += $0 } }
        return out
    }
}
