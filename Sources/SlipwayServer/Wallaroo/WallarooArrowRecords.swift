import Foundation
import Hummingbird
import SlipwayCore

/// Inference bodies as Arrow IPC (`application/vnd.apache.arrow.file`): a table in is its rows,
/// rows out are a table whose nested columns (`in`, `out`, `metadata`) are structs.
enum WallarooArrowRecords {
    static func rows(fromFile data: Data) throws -> [JSONValue] {
        do {
            return try ArrowIPC.read(data).records().map(JSONValue.object)
        } catch let error as ArrowError {
            throw SlipwayError.badRequest("the Arrow body is invalid: \(error.message)")
        }
    }

    static func response(_ records: [JSONValue]) throws -> Response {
        let table: ArrowTable
        do {
            table = try ArrowTable(records: records.compactMap(\.objectValue))
        } catch let error as ArrowError {
            throw SlipwayError(.internal, "the result cannot be written as Arrow: \(error.message)")
        }
        var headers = HTTPFields()
        headers[.contentType] = WallarooDialect.arrowFile
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: ArrowIPC.writeFile(table))))
    }
}

/// A model's `input_schema` / `output_schema`: base64 of a serialized Arrow schema, read into the
/// core's model schema (fixed-size lists give a shape, variable lists a `-1` dimension).
enum WallarooArrowSchema {
    static func decode(_ text: String, what: String) throws -> ModelSchema {
        let schema: ArrowSchema
        do {
            schema = try ArrowSchema.decodeBase64Message(text)
        } catch let error as ArrowError {
            throw SlipwayError.badRequest("\(what) is not a serialized Arrow schema: \(error.message)")
        }
        let fields = try schema.fields.map { field -> ModelSchema.Field in
            var shape: [Int] = []
            var type = field.type
            while true {
                switch type {
                case .list(let child), .largeList(let child):
                    shape.append(ModelSchema.variableDimension)
                    type = child.type
                    continue
                case .fixedSizeList(let child, let size):
                    shape.append(size)
                    type = child.type
                    continue
                default: break
                }
                break
            }
            let scalar: ModelSchema.FieldType
            switch type {
            case .bool: scalar = .bool
            case .int32, .int16, .int8, .uint8, .uint16: scalar = .int32
            case .int64, .uint32, .uint64: scalar = .int64
            case .float16, .float32: scalar = .float32
            case .float64: scalar = .float64
            case .utf8, .largeUTF8: scalar = .string
            case .binary, .largeBinary: scalar = .bytes
            default:
                throw SlipwayError.badRequest("\(what): field '\(NameRules.printable(field.name))' has type \(type.name), "
                    + "which a model schema cannot hold (use numbers, strings, booleans, bytes or lists of them)")
            }
            return ModelSchema.Field(name: field.name, type: scalar, shape: shape.isEmpty ? nil : shape)
        }
        let result = ModelSchema(fields: fields)
        try result.validate()
        return result
    }
}
