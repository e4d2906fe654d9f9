/// Decodes the pages of one column chunk (one column of one row group) into one value per row,
/// appended to the values of the row groups before it.
///
/// A chunk is an optional dictionary page followed by data pages (v1 or v2), each behind a
/// Thrift page header. Pages are read until the chunk's values are all decoded; every page must
/// lie inside the chunk's byte range, which must lie inside the file's data area, and a page may
/// not hold more values than the chunk has left, so work and memory stay proportional to the
/// row count and the file's bytes.
struct ParquetColumnChunkReader {
    let file: [UInt8]
    /// Where page data may lie: after the leading magic, before the footer.
    let dataArea: Range<Int>
    let column: ParquetColumn
    let chunk: ParquetColumnChunk
    let rowCount: Int
    let limits: ParquetLimits

    private var name: String { ParquetError.quoted(column.name) }
    /// The largest definition level: 1 for an OPTIONAL column, 0 for a REQUIRED one (which has
    /// no definition levels at all).
    private var maxDefinitionLevel: UInt32 { column.isNullable ? 1 : 0 }

    /// Appends the chunk's `rowCount` values to `values`, and their validity to `validity`
    /// (which stays nil while no value is null).
    func read(into values: inout ParquetValueBuffer, validity: inout [Bool]?) throws {
        try checkChunk()
        let range = try chunkRange()
        let first = values.count
        var dictionary: ParquetValueBuffer?
        var position = range.lowerBound
        while values.count - first < rowCount {
            guard position < range.upperBound else {
                throw ParquetError.corrupt("column \(name) ends after \(values.count - first) of its \(rowCount) values")
            }
            var reader = ThriftCompactReader(bytes: file, position: position, end: range.upperBound)
            let header = try ParquetPageHeader(&reader)
            let body = reader.position..<(reader.position + header.compressedSize)
            guard header.compressedSize <= range.upperBound - reader.position else {
                throw ParquetError.truncated("a page of column \(name)")
            }
            guard header.uncompressedSize <= limits.maxPageBytes else {
                throw ParquetError.limit("a page of column \(name) decompresses to \(header.uncompressedSize) bytes (at most \(limits.maxPageBytes))")
            }
            position = body.upperBound
            switch header.kind {
            case .dictionary(let count, let encoding):
                guard dictionary == nil, values.count == first else {
                    throw ParquetError.corrupt("column \(name) has a dictionary page after its first page")
                }
                guard encoding == .plain || encoding == .plainDictionary else {
                    throw ParquetError.unsupported("column \(name) has a dictionary page in the \(encoding) encoding")
                }
                let page = try decompress(body, size: header.uncompressedSize)
                var entries = ParquetValueBuffer(type: column.physicalType, typeLength: column.typeLength,
                                                 maxBytes: limits.maxPageBytes)
                var at = page.range.lowerBound
                try entries.appendPlain(page.bytes, &at, end: page.range.upperBound, count: count)
                dictionary = entries
            case .data(let count, let encoding, let definitionEncoding, _):
                try checkCount(count, decoded: values.count - first)
                let page = try decompress(body, size: header.uncompressedSize)
                var at = page.range.lowerBound
                var levels: [UInt32]?
                if column.isNullable {
                    guard definitionEncoding == .rle else {
                        throw ParquetError.unsupported("column \(name) has definition levels in the \(definitionEncoding) encoding")
                    }
                    // v1 levels: a 4-byte little-endian length, then the RLE / bit-packed runs.
                    guard page.range.upperBound - at >= 4 else { throw ParquetError.truncated("a page's definition levels") }
                    let length = Int(page.bytes[at]) | Int(page.bytes[at + 1]) << 8 | Int(page.bytes[at + 2]) << 16
                        | Int(page.bytes[at + 3]) << 24
                    at += 4
                    guard length <= page.range.upperBound - at else { throw ParquetError.truncated("a page's definition levels") }
                    levels = try definitionLevels(page.bytes, at..<(at + length), count: count)
                    at += length
                }
                try decodeData(page.bytes, at..<page.range.upperBound, count: count, levels: levels, encoding: encoding,
                               dictionary: dictionary, into: &values, validity: &validity)
            case .dataV2(let count, let nullCount, _, let encoding, let definitionLength, let repetitionLength, let isCompressed):
                try checkCount(count, decoded: values.count - first)
                // v2 levels are never compressed: repetition levels, then definition levels, then
                // the (possibly compressed) values.
                let (levelBytes, overflow) = definitionLength.addingReportingOverflow(repetitionLength)
                guard !overflow, levelBytes <= body.count, levelBytes <= header.uncompressedSize else {
                    throw ParquetError.corrupt("a page of column \(name) has levels longer than the page")
                }
                var levels: [UInt32]?
                if column.isNullable {
                    let start = body.lowerBound + repetitionLength
                    levels = try definitionLevels(file, start..<(start + definitionLength), count: count)
                    let nulls = levels!.count { $0 != maxDefinitionLevel }
                    guard nulls == nullCount else {
                        throw ParquetError.corrupt("a page of column \(name) has \(nulls) nulls, but its header says \(nullCount)")
                    }
                } else if nullCount != 0 {
                    throw ParquetError.corrupt("a page of the non-null column \(name) holds nulls")
                }
                let valuesBody = (body.lowerBound + levelBytes)..<body.upperBound
                let page = isCompressed
                    ? try decompress(valuesBody, size: header.uncompressedSize - levelBytes)
                    : (bytes: file, range: valuesBody)
                try decodeData(page.bytes, page.range, count: count, levels: levels, encoding: encoding,
                               dictionary: dictionary, into: &values, validity: &validity)
            case .other:
                continue
            }
        }
    }

    // MARK: Chunk

    /// Refuses chunks this reader cannot or should not decode, by column name.
    private func checkChunk() throws {
        guard chunk.filePath == nil else {
            throw ParquetError.unsupported("column \(name) is stored in another file")
        }
        guard chunk.hasMetaData else {
            throw ParquetError.unsupported("column \(name) has no metadata (an encrypted column?)")
        }
        guard chunk.codec.isSupported else {
            throw ParquetError.unsupported("column \(name) is compressed with \(chunk.codec); only SNAPPY and uncompressed files are read")
        }
        guard chunk.type == column.physicalType else {
            throw ParquetError.corrupt("column \(name) is \(chunk.type) in a row group but \(column.physicalType) in the schema")
        }
        guard chunk.path.count == 1, chunk.path[0] == column.name else {
            throw ParquetError.corrupt("a row group's chunk for column \(name) has another path")
        }
        guard chunk.valueCount == rowCount else {
            throw ParquetError.corrupt("column \(name) has \(chunk.valueCount) values in a row group of \(rowCount) rows")
        }
    }

    /// The chunk's bytes: from its dictionary page if it has one (else its first data page),
    /// `total_compressed_size` long, inside the data area.
    private func chunkRange() throws -> Range<Int> {
        var start = chunk.dataPageOffset
        if let dictionaryOffset = chunk.dictionaryPageOffset, dictionaryOffset > 0, dictionaryOffset < start {
            start = dictionaryOffset
        }
        guard start >= Int64(dataArea.lowerBound), start <= Int64(dataArea.upperBound),
              chunk.compressedSize <= dataArea.upperBound - Int(start) else {
            throw ParquetError.truncated("column \(name)'s data")
        }
        return Int(start)..<(Int(start) + chunk.compressedSize)
    }

    private func checkCount(_ count: Int, decoded: Int) throws {
        guard count <= rowCount - decoded else {
            throw ParquetError.corrupt("a page of column \(name) holds more values than its row group has rows")
        }
    }

    // MARK: Pages

    /// A page body's bytes once decompressed: the file itself for uncompressed chunks (no
    /// copy), else a new buffer of exactly `size` bytes.
    private func decompress(_ body: Range<Int>, size: Int) throws -> (bytes: [UInt8], range: Range<Int>) {
        switch chunk.codec {
        case .uncompressed:
            return (file, body)
        case .snappy:
            let bytes = try SnappyDecoder.decompress(file, in: body, expectedSize: size)
            return (bytes, 0..<bytes.count)
        default:
            throw ParquetError.unsupported("column \(name) is compressed with \(chunk.codec)")
        }
    }

    /// `count` definition levels (RLE / bit-packed, as wide as the largest level), each 0 (null)
    /// or 1; a larger level is corrupt in a flat column.
    private func definitionLevels(_ bytes: [UInt8], _ range: Range<Int>, count: Int) throws -> [UInt32] {
        let bitWidth = ParquetHybridDecoder.bitWidth(forMax: Int(maxDefinitionLevel))
        var decoder = try ParquetHybridDecoder(bytes: bytes, range: range, bitWidth: bitWidth)
        var levels: [UInt32] = []
        try decoder.decode(count, into: &levels)
        return levels
    }

    /// Decodes a data page's values (`count` slots, the non-null ones in `bytes[range]`) and
    /// appends them, with their nulls, to the chunk's values.
    private func decodeData(_ bytes: [UInt8], _ range: Range<Int>, count: Int, levels: [UInt32]?,
                            encoding: ParquetEncoding, dictionary: ParquetValueBuffer?,
                            into values: inout ParquetValueBuffer, validity: inout [Bool]?) throws {
        let nonNull = levels.map { $0.count { $0 == maxDefinitionLevel } } ?? count
        if nonNull < count, validity == nil {
            // The first null of the chunk: every earlier row was valid.
            validity = [Bool](repeating: true, count: values.count)
            validity!.reserveCapacity(values.capacityHint)
        }
        if validity != nil {
            if let levels {
                validity!.append(contentsOf: levels.lazy.map { $0 == maxDefinitionLevel })
            } else {
                validity!.append(contentsOf: repeatElement(true, count: count))
            }
        }
        if let levels, nonNull < count {
            var page = ParquetValueBuffer(type: column.physicalType, typeLength: column.typeLength, maxBytes: values.maxBytes)
            try decodeValues(bytes, range, count: nonNull, encoding: encoding, dictionary: dictionary, into: &page)
            try values.appendSpaced(page, levels: levels, maxLevel: maxDefinitionLevel)
        } else {
            // No nulls in this page: decode straight into the chunk's values.
            try decodeValues(bytes, range, count: count, encoding: encoding, dictionary: dictionary, into: &values)
        }
    }

    /// Appends `count` values in `encoding` from `bytes[range]`.
    private func decodeValues(_ bytes: [UInt8], _ range: Range<Int>, count: Int, encoding: ParquetEncoding,
                              dictionary: ParquetValueBuffer?, into page: inout ParquetValueBuffer) throws {
        guard count > 0 else { return }
        let before = page.count
        var at = range.lowerBound
        switch encoding {
        case .plain:
            try page.appendPlain(bytes, &at, end: range.upperBound, count: count)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else {
                throw ParquetError.corrupt("column \(name) has dictionary-encoded values but no dictionary page")
            }
            // One byte of bit width, then the indices' RLE / bit-packed runs.
            guard at < range.upperBound else { throw ParquetError.truncated("a page's dictionary indices") }
            let bitWidth = Int(bytes[at])
            var decoder = try ParquetHybridDecoder(bytes: bytes, range: (at + 1)..<range.upperBound, bitWidth: bitWidth)
            var indices: [UInt32] = []
            try decoder.decode(count, into: &indices)
            try page.appendGathered(dictionary, indices: indices)
        case .rle where column.physicalType == .boolean:
            // RLE booleans: a 4-byte length, then runs of bit width 1.
            guard range.upperBound - at >= 4 else { throw ParquetError.truncated("a page's BOOLEAN values") }
            let length = Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
            guard length <= range.upperBound - at - 4 else { throw ParquetError.truncated("a page's BOOLEAN values") }
            var decoder = try ParquetHybridDecoder(bytes: bytes, range: (at + 4)..<(at + 4 + length), bitWidth: 1)
            var bits: [UInt32] = []
            try decoder.decode(count, into: &bits)
            page.appendBooleans(bits)
        case .byteStreamSplit:
            try page.appendByteStreamSplit(bytes, &at, end: range.upperBound, count: count)
        default:
            throw ParquetError.unsupported("column \(name) uses the \(encoding) encoding; PLAIN, dictionary, RLE and BYTE_STREAM_SPLIT are read")
        }
        guard page.count - before == count else {
            throw ParquetError.corrupt("a page of column \(name) decoded to the wrong number of values")
        }
    }
}
