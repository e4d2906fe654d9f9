import Foundation

/// Serializes a tree of ``FlatBufferTableBuilder`` values into one FlatBuffers buffer.
///
/// Unlike the reference builders (which fill the buffer back to front), this writes front to
/// back: the root offset, then each table followed by what it refers to, breadth first, patching
/// each offset once its target is placed. Targets always follow the offset that refers to them,
/// as FlatBuffers' unsigned offsets require. Every table starts on an 8-byte boundary and every
/// scalar, vector and string is aligned to its size relative to the buffer start, which is what
/// the FlatBuffers verifier (run by Arrow C++ on every message) checks when the buffer itself is
/// placed on an 8-byte boundary.
enum FlatBufferBuilder {
    static func serialize(root: FlatBufferTableBuilder) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 4)
        var pending: [(fieldPosition: Int, value: FlatBufferTableBuilder.Reference)] = []
        let rootPosition = write(root, into: &out, pending: &pending)
        patch(&out, at: 0, UInt32(rootPosition))
        var next = 0
        while next < pending.count {
            let (fieldPosition, value) = pending[next]
            next += 1
            let target: Int
            switch value {
            case .table(let table):
                target = write(table, into: &out, pending: &pending)
            case .string(let text):
                pad(&out, to: 4)
                target = out.count
                let utf8 = Array(text.utf8)
                append(&out, UInt32(utf8.count))
                out += utf8
                out.append(0)
            case .tables(let tables):
                pad(&out, to: 4)
                target = out.count
                append(&out, UInt32(tables.count))
                for table in tables {
                    pending.append((out.count, .table(table)))
                    append(&out, UInt32(0))
                }
            case .structs(let bytes, let count, let alignment):
                while (out.count + 4) % max(alignment, 4) != 0 { out.append(0) }
                target = out.count
                append(&out, UInt32(count))
                out += bytes
            }
            patch(&out, at: fieldPosition, UInt32(target - fieldPosition))
        }
        return out
    }

    /// Writes a table's vtable and inline part; offset fields are queued in `pending`.
    private static func write(
        _ table: FlatBufferTableBuilder, into out: inout [UInt8],
        pending: inout [(fieldPosition: Int, value: FlatBufferTableBuilder.Reference)]
    ) -> Int {
        // Inline layout: the vtable offset first, then fields by decreasing size so that each
        // is naturally aligned inside an 8-byte-aligned table.
        let fields = table.fields.sorted { $0.field.size > $1.field.size || ($0.field.size == $1.field.size && $0.slot < $1.slot) }
        var cursor = 4
        var offsets: [Int: Int] = [:]
        for entry in fields {
            let size = entry.field.size
            cursor = (cursor + size - 1) / size * size
            offsets[entry.slot] = cursor
            cursor += size
        }
        let slotCount = (table.fields.map(\.slot).max() ?? -1) + 1

        pad(&out, to: 2)
        let vtable = out.count
        append(&out, UInt16(4 + 2 * slotCount))
        append(&out, UInt16(cursor))
        for slot in 0..<slotCount { append(&out, UInt16(offsets[slot] ?? 0)) }

        pad(&out, to: 8)
        let position = out.count
        out += [UInt8](repeating: 0, count: cursor)
        patch(&out, at: position, UInt32(bitPattern: Int32(position - vtable)))
        for entry in fields {
            let at = position + offsets[entry.slot]!
            switch entry.field {
            case .scalar(let bytes):
                out.replaceSubrange(at..<(at + bytes.count), with: bytes)
            case .reference(let value):
                pending.append((at, value))
            }
        }
        return position
    }

    private static func pad(_ out: inout [UInt8], to alignment: Int) {
        while out.count % alignment != 0 { out.append(0) }
    }

    static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private static func patch(_ out: inout [UInt8], at position: Int, _ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes in
            for index in 0..<4 { out[position + index] = bytes[index] }
        }
    }
}
