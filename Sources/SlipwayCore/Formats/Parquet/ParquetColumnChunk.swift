/// Where and how one column of one row group is stored (Parquet's `ColumnChunk` with its
/// `ColumnMetaData`).
public struct ParquetColumnChunk: Sendable {
    /// How the chunk's pages are compressed.
    public internal(set) var codec: ParquetCompressionCodec = .uncompressed
    /// Values in the chunk, nulls included (for a flat column, the row group's row count).
    public internal(set) var valueCount: Int = 0
    /// Bytes the chunk takes in the file (page headers included).
    public internal(set) var compressedSize: Int = 0
    /// Bytes of the chunk once decompressed (page headers included).
    public internal(set) var uncompressedSize: Int = 0

    var type: ParquetPhysicalType = .boolean
    var codecNumber: Int32 = 0
    var encodings: [ParquetEncoding] = []
    var path: [String] = []
    var dataPageOffset: Int64 = 0
    var dictionaryPageOffset: Int64?
    /// A chunk stored in another file (`file_path`); such files are refused.
    var filePath: String?
    /// Whether the chunk had its `meta_data` (an encrypted column has none).
    var hasMetaData = false

    /// `ColumnChunk` fields: 1 file_path, 2 file_offset, 3 meta_data; the others are skipped.
    init(_ reader: inout ThriftCompactReader, depth: Int) throws {
        guard depth < ThriftCompactReader.maxDepth else { throw ParquetError.corrupt("the metadata is nested too deeply") }
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .binary): filePath = try reader.readString()
            case (3, .structure):
                try decodeMetaData(&reader, depth: depth + 1)
                hasMetaData = true
            default: try reader.skip(field.type, depth: depth + 1)
            }
        }
    }

    /// `ColumnMetaData` fields: 1 type, 2 encodings, 3 path_in_schema, 4 codec, 5 num_values,
    /// 6 total_uncompressed_size, 7 total_compressed_size, 9 data_page_offset,
    /// 11 dictionary_page_offset; statistics and the others are skipped.
    private mutating func decodeMetaData(_ reader: inout ThriftCompactReader, depth: Int) throws {
        var seen = Set<Int16>()
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .i32): type = try ParquetPhysicalType(reading: &reader)
            case (2, .list):
                encodings = try reader.readList(of: .i32, depth: depth + 1) { ParquetEncoding(rawValue: try $0.readI32()) }
            case (3, .list): path = try reader.readList(of: .binary, depth: depth + 1) { try $0.readString() }
            case (4, .i32):
                codecNumber = try reader.readI32()
                codec = ParquetCompressionCodec(rawValue: codecNumber) ?? .uncompressed
            case (5, .i64): valueCount = try Self.size(try reader.readI64(), "value count")
            case (6, .i64): uncompressedSize = try Self.size(try reader.readI64(), "uncompressed size")
            case (7, .i64): compressedSize = try Self.size(try reader.readI64(), "compressed size")
            case (9, .i64): dataPageOffset = try reader.readI64()
            case (11, .i64): dictionaryPageOffset = try reader.readI64()
            default:
                try reader.skip(field.type, depth: depth + 1)
                continue
            }
            seen.insert(field.id)
        }
        guard seen.isSuperset(of: [1, 4, 5, 7, 9]) else {
            throw ParquetError.corrupt("a column chunk's metadata lacks a required field")
        }
        guard ParquetCompressionCodec(rawValue: codecNumber) != nil else {
            throw ParquetError.unsupported("a column chunk uses an unknown compression codec \(codecNumber)")
        }
    }

    private static func size(_ value: Int64, _ what: String) throws -> Int {
        guard value >= 0, let size = Int(exactly: value) else { throw ParquetError.corrupt("a column chunk has a negative \(what)") }
        return size
    }
}
