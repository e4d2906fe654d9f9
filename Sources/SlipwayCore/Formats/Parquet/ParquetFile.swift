import Foundation

/// A Parquet file held in memory: its schema, row groups and footer metadata, read on
/// creation, and its columns and rows, decoded on request.
///
/// Reads what pandas (`DataFrame.to_parquet`) and pyarrow write for flat tables: REQUIRED and
/// OPTIONAL columns of every physical type, the common logical types, PLAIN, dictionary, RLE and
/// BYTE_STREAM_SPLIT encodings, data pages v1 and v2, uncompressed or SNAPPY pages. Nested
/// columns, DELTA encodings, other codecs and encrypted files are refused with a
/// ``ParquetError`` that names them. Hostile input only ever produces a ``ParquetError``: every
/// offset and length is checked against the file, and ``ParquetLimits`` bounds what is allocated.
public struct ParquetFile: Sendable {
    public let schema: ParquetSchema
    /// Rows in the file (the sum of its row groups' rows).
    public let rowCount: Int
    public let rowGroups: [ParquetRowGroup]
    /// The writer, e.g. `parquet-cpp-arrow version 17.0.0`.
    public let createdBy: String?
    /// The footer's key-value metadata (pyarrow stores its `ARROW:schema` and `pandas` there);
    /// a key without a value maps to the empty string.
    public let metadata: [String: String]
    public let limits: ParquetLimits

    private let bytes: [UInt8]
    /// Where pages may lie: between the leading magic and the footer.
    private let dataArea: Range<Int>

    private static let magic: [UInt8] = Array("PAR1".utf8)

    /// Whether `data` looks like a Parquet file: `PAR1` at both ends, with room for a footer
    /// length between them. Cheap; does not read the footer.
    public static func isParquet(_ data: Data) -> Bool {
        guard data.count >= 12 else { return false }
        return data.prefix(4).elementsEqual(magic) && data.suffix(4).elementsEqual(magic)
    }

    /// Reads the footer of `data` and checks it against the file and `limits`.
    ///
    /// - Throws: ``ParquetError`` if the data is not a Parquet file, is corrupted, uses a feature
    ///   this reader does not support (naming it), or exceeds a limit.
    public init(data: Data, limits: ParquetLimits = .default) throws {
        // One copy of the file (Data's byte-by-byte sequence initialiser is far slower).
        let bytes = data.withUnsafeBytes { [UInt8]($0) }
        guard bytes.count >= 12, bytes.starts(with: Self.magic) else {
            throw ParquetError("the data is not a Parquet file (it does not start with PAR1)")
        }
        let tail = bytes[(bytes.count - 4)...]
        if tail.elementsEqual(Array("PARE".utf8)) {
            throw ParquetError.unsupported("the file is encrypted")
        }
        guard tail.elementsEqual(Self.magic) else {
            throw ParquetError("the data is not a complete Parquet file (it does not end with PAR1)")
        }
        let lengthAt = bytes.count - 8
        let footerLength = Int(bytes[lengthAt]) | Int(bytes[lengthAt + 1]) << 8 | Int(bytes[lengthAt + 2]) << 16
            | Int(bytes[lengthAt + 3]) << 24
        guard footerLength <= lengthAt - 4 else { throw ParquetError.truncated("the footer") }
        guard footerLength <= limits.maxFooterBytes else {
            throw ParquetError.limit("a footer of \(footerLength) bytes (at most \(limits.maxFooterBytes))")
        }
        let footerStart = lengthAt - footerLength
        var reader = ThriftCompactReader(bytes: bytes, position: footerStart, end: lengthAt)
        let metaData = try ParquetFileMetaData(&reader)

        let schema = try ParquetSchema(elements: metaData.schema, limits: limits)
        guard metaData.rowCount >= 0, metaData.rowCount <= Int64(limits.maxRows) else {
            throw ParquetError.limit("\(metaData.rowCount) rows (at most \(limits.maxRows) are read)")
        }
        var total = 0
        for group in metaData.rowGroups {
            guard group.columns.count == schema.columns.count else {
                throw ParquetError.corrupt("a row group has \(group.columns.count) columns, the schema \(schema.columns.count)")
            }
            let (sum, overflow) = total.addingReportingOverflow(group.rowCount)
            guard !overflow, sum <= limits.maxRows else {
                throw ParquetError.limit("the row groups hold more than \(limits.maxRows) rows")
            }
            total = sum
        }
        guard total == Int(metaData.rowCount) else {
            throw ParquetError.corrupt("the row groups hold \(total) rows, the footer says \(metaData.rowCount)")
        }

        self.bytes = bytes
        self.dataArea = 4..<footerStart
        self.schema = schema
        self.rowCount = total
        self.rowGroups = metaData.rowGroups
        self.createdBy = metaData.createdBy
        self.metadata = Dictionary(metaData.keyValueMetadata.map { ($0.key, $0.value ?? "") }) { _, last in last }
        self.limits = limits
    }

    // MARK: Columns

    /// Column `index` of every row group, concatenated.
    public func column(_ index: Int) throws -> ParquetColumnData {
        try read(column: index, rowGroups: rowGroups.indices)
    }

    /// Column `index` of row group `rowGroup`.
    public func column(_ index: Int, rowGroup: Int) throws -> ParquetColumnData {
        guard rowGroups.indices.contains(rowGroup) else {
            throw ParquetError("the file has no row group \(rowGroup) (it has \(rowGroups.count))")
        }
        return try read(column: index, rowGroups: rowGroup..<(rowGroup + 1))
    }

    /// The first column called `name`, of every row group.
    public func column(named name: String) throws -> ParquetColumnData {
        guard let index = schema.index(of: name) else {
            throw ParquetError("the file has no column \(ParquetError.quoted(name))")
        }
        return try column(index)
    }

    private func read(column index: Int, rowGroups range: Range<Int>) throws -> ParquetColumnData {
        guard schema.columns.indices.contains(index) else {
            throw ParquetError("the file has no column \(index) (it has \(schema.columns.count))")
        }
        let column = schema.columns[index]
        let rows = rowGroups[range].reduce(0) { $0 + $1.rowCount }
        var values = ParquetValueBuffer(type: column.physicalType, typeLength: column.typeLength,
                                        maxBytes: limits.maxColumnBytes, capacity: rows)
        var validity: [Bool]?
        for group in rowGroups[range] {
            let reader = ParquetColumnChunkReader(file: bytes, dataArea: dataArea, column: column,
                                                  chunk: group.columns[index], rowCount: group.rowCount, limits: limits)
            try reader.read(into: &values, validity: &validity)
        }
        return ParquetColumnData(column: column, values: values.finish(), validity: validity)
    }

    // MARK: Rows

    /// Every row as a record with one key per column (see ``ParquetColumnData/featureValue(at:)``
    /// for the values; a null is `.null`). If two columns share a name, the later one wins.
    public func records() throws -> [[String: FeatureValue]] {
        var out: [[String: FeatureValue]] = []
        out.reserveCapacity(rowCount)
        for group in rowGroups.indices { try appendRecords(rowGroup: group, to: &out) }
        return out
    }

    /// The rows of row group `rowGroup` as records, for reading a large file a group at a time.
    public func records(rowGroup: Int) throws -> [[String: FeatureValue]] {
        guard rowGroups.indices.contains(rowGroup) else {
            throw ParquetError("the file has no row group \(rowGroup) (it has \(rowGroups.count))")
        }
        var out: [[String: FeatureValue]] = []
        out.reserveCapacity(rowGroups[rowGroup].rowCount)
        try appendRecords(rowGroup: rowGroup, to: &out)
        return out
    }

    private func appendRecords(rowGroup: Int, to out: inout [[String: FeatureValue]]) throws {
        let columns = try schema.columns.indices.map { try column($0, rowGroup: rowGroup) }
        let names = schema.columns.map(\.name)
        for row in 0..<rowGroups[rowGroup].rowCount {
            var record: [String: FeatureValue] = [:]
            record.reserveCapacity(columns.count)
            for (name, column) in zip(names, columns) { record[name] = column.featureValue(at: row) }
            out.append(record)
        }
    }
}
