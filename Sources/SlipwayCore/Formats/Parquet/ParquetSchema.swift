/// The columns of a Parquet file, in file order.
///
/// Only flat schemas are read: every column is a direct child of the root, REQUIRED or
/// OPTIONAL. Groups (structs, lists, maps) and REPEATED columns are refused by name.
public struct ParquetSchema: Sendable, Hashable {
    public let columns: [ParquetColumn]

    public init(columns: [ParquetColumn]) {
        self.columns = columns
    }

    /// The index of the first column called `name`.
    public func index(of name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// Builds the columns from the footer's flattened schema tree.
    init(elements: [ParquetSchemaElement], limits: ParquetLimits) throws {
        guard let root = elements.first else { throw ParquetError.corrupt("the schema is empty") }
        let children = Int(root.childCount ?? 0)
        guard children == elements.count - 1 else {
            // The root's children are not all the other elements: some element is a group
            // holding the rest, or the tree is malformed.
            if let group = elements.dropFirst().first(where: { ($0.childCount ?? 0) > 0 }) {
                throw Self.nested(group)
            }
            throw ParquetError.corrupt("the schema tree has \(elements.count - 1) elements under a root of \(children) children")
        }
        guard children <= limits.maxColumns else {
            throw ParquetError.limit("\(children) columns (at most \(limits.maxColumns) are read)")
        }
        var columns: [ParquetColumn] = []
        columns.reserveCapacity(children)
        for element in elements.dropFirst() {
            if (element.childCount ?? 0) > 0 { throw Self.nested(element) }
            guard let type = element.type else {
                throw ParquetError.corrupt("column \(ParquetError.quoted(element.name)) has no physical type")
            }
            let repetition = element.repetition ?? .optional
            guard repetition != .repeated else {
                throw ParquetError.unsupported("column \(ParquetError.quoted(element.name)) is repeated; only flat columns are read")
            }
            var typeLength = 0
            if type == .fixedLenByteArray {
                guard let length = element.typeLength, length > 0 else {
                    throw ParquetError.corrupt("column \(ParquetError.quoted(element.name)) is a FIXED_LEN_BYTE_ARRAY without a length")
                }
                typeLength = Int(length)
            }
            var logical = element.resolvedLogicalType
            guard logical.fits(type, typeLength: typeLength) else {
                throw ParquetError.corrupt("column \(ParquetError.quoted(element.name)) has a \(logical.name) annotation on \(type) values")
            }
            // INT96 holds legacy timestamps, converted to nanoseconds when read.
            if type == .int96 { logical = .timestamp(.nanoseconds, adjustedToUTC: false) }
            columns.append(ParquetColumn(name: element.name, physicalType: type, logicalType: logical,
                                         isNullable: repetition == .optional, typeLength: typeLength))
        }
        self.columns = columns
    }

    private static func nested(_ group: ParquetSchemaElement) -> ParquetError {
        ParquetError.unsupported("column \(ParquetError.quoted(group.name)) is nested (a list, map or struct); only flat columns are read")
    }
}
