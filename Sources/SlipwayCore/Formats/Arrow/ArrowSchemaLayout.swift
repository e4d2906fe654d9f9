import Foundation

/// A schema as read from IPC metadata, with what the public ``ArrowSchema`` leaves out: which
/// fields are dictionary-encoded. `encodings` parallels `schema.fields`.
struct ArrowSchemaLayout: Sendable {
    /// How one field's values are laid out in record batches.
    struct Encoding: Sendable {
        /// Set when the field's values are indices into a dictionary batch.
        var dictionary: Dictionary?
        /// The encodings of the field's children, parallel to `field.children`.
        var children: [Encoding]
    }

    /// A field's dictionary encoding: the dictionary batch id and the integer type of indices.
    struct Dictionary: Sendable {
        var id: Int64
        var indexType: ArrowType
    }

    var schema: ArrowSchema
    var encodings: [Encoding]

    /// Every dictionary-encoded field with its path (for error messages), depth first.
    func dictionaryFields() -> [(path: String, field: ArrowField, dictionary: Dictionary)] {
        var out: [(String, ArrowField, Dictionary)] = []
        func visit(_ field: ArrowField, _ encoding: Encoding, _ path: String) {
            if let dictionary = encoding.dictionary { out.append((path, field, dictionary)) }
            for (child, childEncoding) in zip(field.children, encoding.children) {
                visit(child, childEncoding, path + "." + child.name)
            }
        }
        for (field, encoding) in zip(schema.fields, encodings) { visit(field, encoding, field.name) }
        return out
    }
}
