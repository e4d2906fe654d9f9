import Foundation

/// An Arrow table: a schema and its rows in one or more record batches (kept as read, not
/// concatenated). Convert to and from pandas-style records with ``records()`` and
/// ``init(records:schema:)``.
public struct ArrowTable: Sendable, Equatable {
    public let schema: ArrowSchema
    public let batches: [ArrowRecordBatch]

    /// Creates a table; each batch must have one column per field, of the field's type, and a
    /// field that is not nullable must have no nulls.
    public init(schema: ArrowSchema, batches: [ArrowRecordBatch]) throws {
        for batch in batches {
            guard batch.columns.count == schema.fields.count else {
                throw ArrowError("a record batch has \(batch.columns.count) columns for \(schema.fields.count) fields")
            }
            for (field, column) in zip(schema.fields, batch.columns) {
                guard field.type == column.type else {
                    throw ArrowError("column \(ArrowError.quoted(field.name)) holds \(column.type.name) values, but the schema says \(field.type.name)")
                }
                if !field.nullable, column.nullCount > 0 {
                    throw ArrowError("column \(ArrowError.quoted(field.name)) is not nullable but has null values")
                }
            }
        }
        self.init(unchecked: schema, batches: batches)
    }

    init(unchecked schema: ArrowSchema, batches: [ArrowRecordBatch]) {
        self.schema = schema
        self.batches = batches
    }

    /// The number of rows over all batches.
    public var rowCount: Int { batches.reduce(0) { $0 + $1.count } }
}
