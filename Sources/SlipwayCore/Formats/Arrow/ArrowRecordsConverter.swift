import Foundation

/// Converts pandas-style JSON records to Arrow arrays, and infers a schema from them (see
/// ``ArrowTable/init(records:schema:)`` for the rules).
enum ArrowRecordsConverter {
    /// The kind of a JSON value as far as inference is concerned.
    indirect enum Shape: Equatable, Sendable {
        case null, bool, integer, float, string
        case list(Shape)
        case object([String: Shape])

        var name: String {
            switch self {
            case .null: "null"
            case .bool: "boolean"
            case .integer, .float: "number"
            case .string: "string"
            case .list: "array"
            case .object: "object"
            }
        }

        var type: ArrowType {
            switch self {
            case .null: .null
            case .bool: .bool
            case .integer: .int64
            case .float: .float64
            case .string: .utf8
            case .list(let element): .list(ArrowField("item", element.type))
            case .object(let members): .struct(members.keys.sorted().map { ArrowField($0, members[$0]!.type) })
            }
        }
    }

    /// Two shapes that cannot be merged, deepest first.
    struct Conflict: Error {
        var first: Shape
        var second: Shape
        var path: String
    }

    // MARK: Inference

    static func inferSchema(_ records: [[String: JSONValue]]) throws -> ArrowSchema {
        var shapes: [String: Shape] = [:]
        for (row, record) in records.enumerated() {
            for (name, value) in record {
                do {
                    let shape = try self.shape(of: value, path: "", depth: 1)
                    shapes[name] = try merge(shapes[name] ?? .null, shape, path: "")
                } catch let conflict as Conflict {
                    let location = conflict.path.isEmpty ? "" : " at \(conflict.path)"
                    throw ArrowError(
                        "column \(ArrowError.quoted(name)) mixes \(conflict.first.name) and \(conflict.second.name) values\(location) (row \(row)); give the values one type or send a schema")
                }
            }
        }
        return ArrowSchema(fields: shapes.keys.sorted().map { ArrowField($0, shapes[$0]!.type) })
    }

    private static func shape(of value: JSONValue, path: String, depth: Int) throws -> Shape {
        guard depth <= ArrowMetadataDecoder.maxDepth else {
            throw ArrowError("a value nests more than \(ArrowMetadataDecoder.maxDepth) levels deep")
        }
        switch value {
        case .null: return .null
        case .bool: return .bool
        case .number(let number): return Int64(exactly: number) != nil ? .integer : .float
        case .string: return .string
        case .array(let elements):
            var element = Shape.null
            for item in elements {
                element = try merge(element, try shape(of: item, path: path + "[]", depth: depth + 1), path: path + "[]")
            }
            return .list(element)
        case .object(let members):
            var shapes: [String: Shape] = [:]
            for (key, member) in members { shapes[key] = try shape(of: member, path: path + "." + key, depth: depth + 1) }
            return .object(shapes)
        }
    }

    private static func merge(_ a: Shape, _ b: Shape, path: String) throws -> Shape {
        switch (a, b) {
        case (.null, _): return b
        case (_, .null): return a
        case (.integer, .float), (.float, .integer): return .float
        case (.list(let x), .list(let y)): return .list(try merge(x, y, path: path + "[]"))
        case (.object(let x), .object(let y)):
            var merged = x
            for (key, shape) in y { merged[key] = try merge(x[key] ?? .null, shape, path: path + "." + key) }
            return .object(merged)
        default:
            guard a == b else { throw Conflict(first: a, second: b, path: String(path.drop(while: { $0 == "." }))) }
            return a
        }
    }

    // MARK: Conversion

    /// Converts `values` (where `rows[i]` is the record that `values[i]` came from, for error
    /// messages) to an array of `field`'s type. The result is not validated yet.
    static func array(_ values: [JSONValue], rows: [Int], field: ArrowField, path: String, depth: Int = 1) throws -> ArrowArray {
        guard depth <= ArrowMetadataDecoder.maxDepth else {
            throw ArrowError("column \(ArrowError.quoted(path)) nests more than \(ArrowMetadataDecoder.maxDepth) levels deep")
        }
        let type = field.type
        let validity = values.map { !$0.isNull }
        if !field.nullable, let index = validity.firstIndex(of: false) {
            throw ArrowError("column \(ArrowError.quoted(path)) is not nullable, but row \(rows[index]) has no value")
        }
        func fail(_ index: Int, _ expected: String) -> ArrowError {
            ArrowError("column \(ArrowError.quoted(path)) expects \(expected) (type \(type.name)), but row \(rows[index]) has \(describe(values[index]))")
        }
        func map<T>(_ placeholder: T, _ expected: String, _ convert: (JSONValue) -> T?) throws -> [T] {
            var out: [T] = []
            out.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                if value.isNull {
                    out.append(placeholder)
                } else if let converted = convert(value) {
                    out.append(converted)
                } else {
                    throw fail(index, expected)
                }
            }
            return out
        }
        func make(_ storage: ArrowArray.Values) -> ArrowArray {
            ArrowArray(unchecked: type, count: values.count, validity: validity, values: storage)
        }
        switch type {
        case .null:
            if let index = values.firstIndex(where: { !$0.isNull }) { throw fail(index, "only nulls") }
            return ArrowArray(unchecked: .null, count: values.count, validity: nil, values: .none)
        case .bool:
            return make(.bools(try map(false, "booleans") { if case .bool(let b) = $0 { b } else { nil } }))
        case .int8, .int16, .int32, .int64:
            let range = ArrowArray.integerRange(type)
            return make(.integers(try map(0, "whole numbers in \(range.lowerBound)...\(range.upperBound)") {
                guard case .number(let n) = $0, let i = Int64(exactly: n), range.contains(i) else { return nil }
                return i
            }))
        case .uint8, .uint16, .uint32, .uint64:
            let limit = ArrowArray.unsignedLimit(type)
            return make(.unsignedIntegers(try map(0, "whole numbers in 0...\(limit)") {
                guard case .number(let n) = $0, let u = UInt64(exactly: n), u <= limit else { return nil }
                return u
            }))
        case .float16, .float32, .float64:
            return make(.floats(try map(0, "numbers") { if case .number(let n) = $0 { n } else { nil } }))
        case .utf8, .largeUTF8:
            return make(.strings(try map("", "strings") { $0.stringValue }))
        case .binary, .largeBinary:
            return make(.bytes(try map(Data(), "base64 strings") { $0.stringValue.flatMap { Data(base64Encoded: $0) } }))
        case .date32, .date64:
            let scale: Int64 = type == .date32 ? 1 : 86_400_000
            return make(.integers(try map(0, "dates (\"YYYY-MM-DD\" or a number)") {
                switch $0 {
                case .string(let text):
                    guard let days = ArrowTemporal.parseDate(text) else { return nil }
                    let (value, overflow) = days.multipliedReportingOverflow(by: scale)
                    guard !overflow, ArrowArray.integerRange(type).contains(value) else { return nil }
                    return value
                case .number(let n):
                    guard let i = Int64(exactly: n), ArrowArray.integerRange(type).contains(i) else { return nil }
                    return i
                default: return nil
                }
            }))
        case .timestamp(let unit, _):
            return make(.integers(try map(0, "ISO 8601 timestamps or numbers") {
                switch $0 {
                case .string(let text): ArrowTemporal.parseTimestamp(text, unit: unit)
                case .number(let n): Int64(exactly: n)
                default: nil
                }
            }))
        case .list(let element), .largeList(let element):
            var offsets = [0]
            var children: [JSONValue] = []
            var childRows: [Int] = []
            for (index, value) in values.enumerated() {
                switch value {
                case .null: break
                case .array(let items):
                    children += items
                    childRows += repeatElement(rows[index], count: items.count)
                default: throw fail(index, "arrays")
                }
                offsets.append(children.count)
            }
            let child = try array(children, rows: childRows, field: element, path: path + "[]", depth: depth + 1)
            return make(.lists(offsets: offsets, values: child))
        case .fixedSizeList(let element, let size):
            var children: [JSONValue] = []
            var childRows: [Int] = []
            for (index, value) in values.enumerated() {
                switch value {
                case .null:
                    children += repeatElement(JSONValue.null, count: size)
                case .array(let items) where items.count == size:
                    children += items
                default: throw fail(index, "arrays of \(size) elements")
                }
                childRows += repeatElement(rows[index], count: size)
            }
            var childField = element
            if children.contains(where: \.isNull), values.contains(where: \.isNull) {
                // Placeholder elements of a null list must not trip a non-nullable element field.
                childField.nullable = true
            }
            let child = try array(children, rows: childRows, field: childField, path: path + "[]", depth: depth + 1)
            return make(.fixedSizeLists(child))
        case .struct(let fields):
            for (index, value) in values.enumerated() {
                guard value.isNull || value.objectValue != nil else { throw fail(index, "objects") }
            }
            var children: [ArrowArray] = []
            for member in fields {
                let memberValues = values.map { $0.objectValue?[member.name] ?? .null }
                var memberField = member
                if values.contains(where: \.isNull) { memberField.nullable = true }
                children.append(try array(memberValues, rows: rows, field: memberField, path: path + "." + member.name, depth: depth + 1))
            }
            return make(.structs(children))
        }
    }

    /// A short description of a JSON value for an error message.
    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): "the boolean \(b)"
        case .number(let n): "the number \(n)"
        case .string(let s): "the string \(ArrowError.quoted(s))"
        case .array(let items): "an array of \(items.count) elements"
        case .object: "an object"
        }
    }
}
