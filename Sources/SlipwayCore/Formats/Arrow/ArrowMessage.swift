import Foundation

/// One decoded IPC message: its header and where its body lies in the input.
struct ArrowMessage: Sendable {
    /// The decoded metadata of a record batch (or of a dictionary batch's data).
    struct RecordBatchHeader: Sendable {
        /// One array of the batch in depth-first order: its length and null count.
        struct Node: Sendable {
            var length: Int
            var nullCount: Int
        }

        /// One body buffer: a range relative to the start of the message body.
        struct Buffer: Sendable {
            var offset: Int
            var length: Int
        }

        var length: Int
        var nodes: [Node]
        var buffers: [Buffer]
    }

    enum Header: Sendable {
        case schema(ArrowSchemaLayout)
        case recordBatch(RecordBatchHeader)
        case dictionaryBatch(id: Int64, data: RecordBatchHeader, isDelta: Bool)
        /// A message kind Slipway does not read (Tensor, SparseTensor).
        case other(String)

        var kindName: String {
            switch self {
            case .schema: "Schema"
            case .recordBatch: "RecordBatch"
            case .dictionaryBatch: "DictionaryBatch"
            case .other(let name): name
            }
        }
    }

    var header: Header
    /// Absolute position of the body in the input.
    var bodyStart: Int
    var bodyLength: Int
}
