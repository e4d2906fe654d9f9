import Foundation

extension ArrowArray {
    /// Throws unless the array is consistent with its type (see ``init(type:count:validity:values:)``).
    func validate(depth: Int = 1) throws {
        guard depth <= ArrowMetadataDecoder.maxDepth else {
            throw ArrowError("the array nests more than \(ArrowMetadataDecoder.maxDepth) levels deep")
        }
        guard count >= 0 else { throw ArrowError("an array of type \(type.name) has a negative count") }
        if let validity, validity.count != count {
            throw ArrowError("an array of type \(type.name) has \(validity.count) validity flags for \(count) rows")
        }
        func expect(_ actual: Int, _ what: String = "values") throws {
            guard actual == count else {
                throw ArrowError("an array of type \(type.name) has \(actual) \(what) for \(count) rows")
            }
        }
        func mismatch() -> ArrowError {
            ArrowError("an array of type \(type.name) holds values of another kind")
        }
        func offsetLimit(_ total: Int, large: Bool) throws {
            guard large || total <= Int(Int32.max) else {
                throw ArrowError("an array of type \(type.name) holds more than 2 GiB; use its large_ variant")
            }
        }
        switch (type, values) {
        case (.null, .none):
            break
        case (.bool, .bools(let values)):
            try expect(values.count)
        case (.int8, .integers(let values)), (.int16, .integers(let values)), (.int32, .integers(let values)),
             (.int64, .integers(let values)), (.date32, .integers(let values)), (.date64, .integers(let values)),
             (.timestamp, .integers(let values)):
            try expect(values.count)
            let range = ArrowArray.integerRange(type)
            if let bad = values.first(where: { !range.contains($0) }) {
                throw ArrowError("value \(bad) is out of range for type \(type.name)")
            }
        case (.uint8, .unsignedIntegers(let values)), (.uint16, .unsignedIntegers(let values)),
             (.uint32, .unsignedIntegers(let values)), (.uint64, .unsignedIntegers(let values)):
            try expect(values.count)
            let limit = ArrowArray.unsignedLimit(type)
            if let bad = values.first(where: { $0 > limit }) {
                throw ArrowError("value \(bad) is out of range for type \(type.name)")
            }
        case (.float16, .floats(let values)), (.float32, .floats(let values)), (.float64, .floats(let values)):
            try expect(values.count)
        case (.utf8, .strings(let values)), (.largeUTF8, .strings(let values)):
            try expect(values.count)
            try offsetLimit(values.reduce(0) { $0 + $1.utf8.count }, large: type == .largeUTF8)
        case (.binary, .bytes(let values)), (.largeBinary, .bytes(let values)):
            try expect(values.count)
            try offsetLimit(values.reduce(0) { $0 + $1.count }, large: type == .largeBinary)
        case (.list(let element), .lists(let offsets, let child)), (.largeList(let element), .lists(let offsets, let child)):
            try expect(offsets.count - 1, "offsets after the first")
            guard offsets[0] >= 0, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }), offsets[count] <= child.count else {
                throw ArrowError("an array of type \(type.name) has offsets that decrease or exceed its values")
            }
            guard child.type == element.type else { throw mismatch() }
            if case .list = type { try offsetLimit(offsets[count], large: false) }
            try child.validate(depth: depth + 1)
        case (.fixedSizeList(let element, let size), .fixedSizeLists(let child)):
            let (total, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, size >= 0, size <= Int(Int32.max), child.count == total else {
                throw ArrowError("an array of type \(type.name) needs \(count) × \(size) values, not \(child.count)")
            }
            guard child.type == element.type else { throw mismatch() }
            try child.validate(depth: depth + 1)
        case (.struct(let fields), .structs(let children)):
            guard fields.count == children.count else {
                throw ArrowError("an array of type \(type.name) has \(children.count) children for \(fields.count) fields")
            }
            for (field, child) in zip(fields, children) {
                guard field.type == child.type else { throw mismatch() }
                guard child.count == count else {
                    throw ArrowError("member \(ArrowError.quoted(field.name)) of a struct array has \(child.count) rows, not \(count)")
                }
                try child.validate(depth: depth + 1)
            }
        default:
            throw mismatch()
        }
    }

    /// The values a signed or temporal type can hold.
    static func integerRange(_ type: ArrowType) -> ClosedRange<Int64> {
        switch type {
        case .int8: Int64(Int8.min)...Int64(Int8.max)
        case .int16: Int64(Int16.min)...Int64(Int16.max)
        case .int32, .date32: Int64(Int32.min)...Int64(Int32.max)
        default: Int64.min...Int64.max
        }
    }

    /// The largest value an unsigned type can hold.
    static func unsignedLimit(_ type: ArrowType) -> UInt64 {
        switch type {
        case .uint8: UInt64(UInt8.max)
        case .uint16: UInt64(UInt16.max)
        case .uint32: UInt64(UInt32.max)
        default: UInt64.max
        }
    }
}
