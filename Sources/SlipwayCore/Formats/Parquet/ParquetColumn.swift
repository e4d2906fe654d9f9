/// One leaf column of a Parquet file's schema.
public struct ParquetColumn: Sendable, Hashable {
    /// The column's name (a flat schema's columns are the root's direct children).
    public let name: String
    public let physicalType: ParquetPhysicalType
    /// The column's meaning. INT96 columns read as `.timestamp(.nanoseconds, adjustedToUTC: false)`,
    /// as pyarrow reads them.
    public let logicalType: ParquetLogicalType
    /// Whether the column may hold nulls (OPTIONAL repetition).
    public let isNullable: Bool
    /// The width of a FIXED_LEN_BYTE_ARRAY value in bytes; 0 for the other types.
    public let typeLength: Int

    public init(name: String, physicalType: ParquetPhysicalType, logicalType: ParquetLogicalType = .none,
                isNullable: Bool = true, typeLength: Int = 0) {
        self.name = name
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.isNullable = isNullable
        self.typeLength = typeLength
    }
}
