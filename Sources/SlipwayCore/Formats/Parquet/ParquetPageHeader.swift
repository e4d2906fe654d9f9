/// The header in front of every page of a column chunk (Parquet's `PageHeader`, with the
/// `DataPageHeader`, `DataPageHeaderV2` or `DictionaryPageHeader` its type calls for).
struct ParquetPageHeader: Sendable {
    enum Kind: Sendable, Equatable {
        /// A data page, version 1: levels and values, compressed together.
        case data(valueCount: Int, encoding: ParquetEncoding, definitionEncoding: ParquetEncoding,
                  repetitionEncoding: ParquetEncoding)
        /// A data page, version 2: uncompressed levels of the given byte lengths, then values,
        /// compressed unless `isCompressed` is false.
        case dataV2(valueCount: Int, nullCount: Int, rowCount: Int, encoding: ParquetEncoding,
                    definitionLevelsLength: Int, repetitionLevelsLength: Int, isCompressed: Bool)
        case dictionary(valueCount: Int, encoding: ParquetEncoding)
        /// An index page or a page type this reader does not know: skipped.
        case other
    }

    var kind: Kind = .other
    var uncompressedSize = 0
    var compressedSize = 0

    /// `PageHeader` fields: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc,
    /// 5 data_page_header, 6 index_page_header, 7 dictionary_page_header, 8 data_page_header_v2.
    init(_ reader: inout ThriftCompactReader) throws {
        var pageType: Int32?
        var sizes = (uncompressed: Int32?.none, compressed: Int32?.none)
        var data: Kind?
        var dataV2: Kind?
        var dictionary: Kind?
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .i32): pageType = try reader.readI32()
            case (2, .i32): sizes.uncompressed = try reader.readI32()
            case (3, .i32): sizes.compressed = try reader.readI32()
            case (5, .structure): data = try Self.dataPage(&reader)
            case (7, .structure): dictionary = try Self.dictionaryPage(&reader)
            case (8, .structure): dataV2 = try Self.dataPageV2(&reader)
            default: try reader.skip(field.type, depth: 1)
            }
        }
        guard let pageType, let uncompressed = sizes.uncompressed, let compressed = sizes.compressed,
              uncompressed >= 0, compressed >= 0 else {
            throw ParquetError.corrupt("a page header lacks its type or sizes")
        }
        uncompressedSize = Int(uncompressed)
        compressedSize = Int(compressed)
        switch pageType {
        case 0:
            guard let data else { throw ParquetError.corrupt("a data page has no data page header") }
            kind = data
        case 2:
            guard let dictionary else { throw ParquetError.corrupt("a dictionary page has no dictionary page header") }
            kind = dictionary
        case 3:
            guard let dataV2 else { throw ParquetError.corrupt("a data page (v2) has no data page header") }
            kind = dataV2
        default:
            kind = .other
        }
    }

    /// `DataPageHeader`: 1 num_values, 2 encoding, 3 definition_level_encoding,
    /// 4 repetition_level_encoding, 5 statistics.
    private static func dataPage(_ reader: inout ThriftCompactReader) throws -> Kind {
        var fields: [Int16: Int32] = [:]
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            if (1...4).contains(field.id), field.type == .i32 {
                fields[field.id] = try reader.readI32()
            } else {
                try reader.skip(field.type, depth: 2)
            }
        }
        guard let count = fields[1], let encoding = fields[2], let definition = fields[3], let repetition = fields[4],
              count >= 0 else {
            throw ParquetError.corrupt("a data page header lacks a required field")
        }
        return .data(valueCount: Int(count), encoding: ParquetEncoding(rawValue: encoding),
                     definitionEncoding: ParquetEncoding(rawValue: definition),
                     repetitionEncoding: ParquetEncoding(rawValue: repetition))
    }

    /// `DataPageHeaderV2`: 1 num_values, 2 num_nulls, 3 num_rows, 4 encoding,
    /// 5 definition_levels_byte_length, 6 repetition_levels_byte_length, 7 is_compressed
    /// (default true), 8 statistics.
    private static func dataPageV2(_ reader: inout ThriftCompactReader) throws -> Kind {
        var fields: [Int16: Int32] = [:]
        var isCompressed = true
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            if (1...6).contains(field.id), field.type == .i32 {
                fields[field.id] = try reader.readI32()
            } else if field.id == 7, let value = ThriftCompactReader.bool(field) {
                isCompressed = value
            } else {
                try reader.skip(field.type, depth: 2)
            }
        }
        guard let count = fields[1], let nulls = fields[2], let rows = fields[3], let encoding = fields[4],
              let definitionLength = fields[5], let repetitionLength = fields[6],
              count >= 0, nulls >= 0, rows >= 0, definitionLength >= 0, repetitionLength >= 0 else {
            throw ParquetError.corrupt("a data page (v2) header lacks a required field or has a negative one")
        }
        return .dataV2(valueCount: Int(count), nullCount: Int(nulls), rowCount: Int(rows),
                       encoding: ParquetEncoding(rawValue: encoding), definitionLevelsLength: Int(definitionLength),
                       repetitionLevelsLength: Int(repetitionLength), isCompressed: isCompressed)
    }

    /// `DictionaryPageHeader`: 1 num_values, 2 encoding, 3 is_sorted.
    private static func dictionaryPage(_ reader: inout ThriftCompactReader) throws -> Kind {
        var count: Int32?
        var encoding: Int32?
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .i32): count = try reader.readI32()
            case (2, .i32): encoding = try reader.readI32()
            default: try reader.skip(field.type, depth: 2)
            }
        }
        guard let count, let encoding, count >= 0 else { throw ParquetError.corrupt("a dictionary page header lacks a required field") }
        return .dictionary(valueCount: Int(count), encoding: ParquetEncoding(rawValue: encoding))
    }
}
