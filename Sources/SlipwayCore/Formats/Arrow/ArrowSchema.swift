import Foundation

/// The schema of an Arrow table: its columns and the schema's custom metadata (pandas stores
/// its index and dtype description under the key "pandas").
public struct ArrowSchema: Sendable, Hashable {
    public var fields: [ArrowField]
    public var metadata: [String: String]

    public init(fields: [ArrowField], metadata: [String: String] = [:]) {
        self.fields = fields
        self.metadata = metadata
    }

    /// Decodes an encapsulated IPC Schema message, as written by `pyarrow.Schema.serialize()`
    /// and read by `pyarrow.ipc.read_schema` (APIs send model schemas this way, base64).
    /// The pre-0.15 form without the 0xFFFFFFFF continuation marker is accepted too.
    public static func decodeMessage(_ data: Data) throws -> ArrowSchema {
        let bytes = [UInt8](data)
        var cursor = ArrowMessageCursor(bytes: bytes, position: 0)
        guard let message = try cursor.next() else {
            throw ArrowError.corrupt("the schema message is empty")
        }
        guard case .schema(let schema) = message.header else {
            throw ArrowError.corrupt("expected a Schema message, found a \(message.header.kindName) message")
        }
        return schema.schema
    }

    /// Decodes base64 text of an encapsulated IPC Schema message (see ``decodeMessage(_:)``).
    public static func decodeBase64Message(_ text: String) throws -> ArrowSchema {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ArrowError("the Arrow schema is not valid base64")
        }
        return try decodeMessage(data)
    }

    /// Encodes the schema as an encapsulated IPC Schema message (continuation marker, length,
    /// flatbuffer, padding to 8 bytes), the same form `pyarrow.Schema.serialize()` produces.
    public func encodeMessage() -> Data {
        Data(ArrowMessageWriter.encapsulate(ArrowMetadataEncoder.schemaMessage(self)))
    }
}
