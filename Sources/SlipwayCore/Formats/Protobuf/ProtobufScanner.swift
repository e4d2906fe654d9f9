import Foundation

/// Walks protocol-buffer wire format without a schema: enough to tell a complete message from a
/// truncated or foreign file, and to read a few known fields (an ONNX model's graph inputs and
/// outputs). Hand-written because the only protobuf library here (swift-protobuf) needs generated
/// code and a build plugin for one check.
public struct ProtobufScanner {
    public enum Value {
        case varint(UInt64)
        case fixed64
        case bytes(Range<Int>)
        case fixed32
    }

    public struct Field {
        public var number: Int
        public var value: Value
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    let bytes: [UInt8]

    public init(_ data: Data) {
        bytes = Array(data)
    }

    /// The fields of the message in `range` (the whole input by default), in order; throws when
    /// the bytes are not well-formed wire format up to the range's end.
    public func fields(in range: Range<Int>? = nil) throws -> [Field] {
        let range = range ?? 0..<bytes.count
        var position = range.lowerBound
        var fields: [Field] = []
        while position < range.upperBound {
            let key = try varint(at: &position, end: range.upperBound)
            let number = Int(key >> 3)
            guard number >= 1, number <= 536_870_911 else { throw Malformed(description: "invalid field number at byte \(position)") }
            switch key & 7 {
            case 0: fields.append(Field(number: number, value: .varint(try varint(at: &position, end: range.upperBound))))
            case 1:
                guard range.upperBound - position >= 8 else { throw Malformed(description: "truncated at byte \(position)") }
                position += 8
                fields.append(Field(number: number, value: .fixed64))
            case 2:
                let length = try varint(at: &position, end: range.upperBound)
                guard length <= UInt64(range.upperBound - position) else {
                    throw Malformed(description: "a field of \(length) bytes runs past the end at byte \(position)")
                }
                let end = position + Int(length)
                fields.append(Field(number: number, value: .bytes(position..<end)))
                position = end
            case 5:
                guard range.upperBound - position >= 4 else { throw Malformed(description: "truncated at byte \(position)") }
                position += 4
                fields.append(Field(number: number, value: .fixed32))
            default:
                throw Malformed(description: "unsupported wire type \(key & 7) at byte \(position)")
            }
        }
        return fields
    }

    /// The UTF-8 text of a length-delimited value.
    public func string(_ range: Range<Int>) -> String? {
        String(validating: bytes[range], as: UTF8.self)
    }

    private func varint(at position: inout Int, end: Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw Malformed(description: "truncated at byte \(position)") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw Malformed(description: "varint too long at byte \(position)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }
}
