import Foundation
import Testing

@testable import SlipwayCore

/// Files written by real pyarrow and pandas read back to what pyarrow reads from them.
@Suite("Parquet reader")
struct ParquetReaderTests {
    @Test(arguments: ParquetTestSupport.withRecords)
    func recordsMatchPyarrow(name: String) throws {
        let file = try ParquetTestSupport.file(name)
        let expected = try ParquetTestSupport.expected(name)
        let records = try file.records()
        let rows = try #require(expected["records"]?.arrayValue)
        #expect(records.count == rows.count)
        for (index, (record, row)) in zip(records, rows).enumerated() {
            let actual = ParquetTestSupport.json(record)
            #expect(ParquetTestSupport.matches(actual, row), "\(name) row \(index): \(actual.jsonString()) != \(row.jsonString())")
        }
    }

    @Test(arguments: ParquetTestSupport.readable)
    func schemaAndCountsMatchPyarrow(name: String) throws {
        let file = try ParquetTestSupport.file(name)
        let expected = try ParquetTestSupport.expected(name)
        #expect(expected["rows"] == .number(Double(file.rowCount)))
        #expect(.number(Double(file.rowGroups.count)) == expected["rowGroups"])
        let columns = try #require(expected["columns"]?.arrayValue).map { try #require($0.arrayValue).compactMap(\.stringValue) }
        #expect(file.schema.columns.map(\.name) == columns.map { $0[0] })
        #expect(file.schema.columns.map { "\($0.physicalType)" } == columns.map { $0[1] })
        for index in file.schema.columns.indices {
            #expect(try file.column(index).count == file.rowCount)
        }
        #expect(ParquetFile.isParquet(try ParquetTestSupport.data(name)))
    }

    @Test(arguments: ["row_groups", "arthur_inferences", "arthur_ground_truth"])
    func largeFilesMatchPyarrowsFirstLastSumsAndNulls(name: String) throws {
        let file = try ParquetTestSupport.file(name)
        let expected = try ParquetTestSupport.expected(name)
        let records = try file.records()
        #expect(ParquetTestSupport.matches(ParquetTestSupport.json(try #require(records.first)), try #require(expected["first"])))
        #expect(ParquetTestSupport.matches(ParquetTestSupport.json(try #require(records.last)), try #require(expected["last"])))
        for (column, sum) in try #require(expected["sums"]?.objectValue) {
            let total = records.reduce(0.0) { $0 + ($1[column]?.numericValue ?? 0) }
            // pyarrow sums pairwise, in another order: equal to a few ulps of the terms.
            guard case .number(let expectedSum) = sum else { Issue.record("sum of \(column) is \(sum)"); continue }
            #expect(abs(total - expectedSum) <= 1e-9 * max(1, abs(expectedSum)), "sum of \(column): \(total)")
        }
        for (column, nulls) in try #require(expected["nullCounts"]?.objectValue) {
            let count = records.count { $0[column] == .null }
            #expect(.number(Double(count)) == nulls, "nulls of \(column)")
        }
    }

    @Test func pandasDefaultsAreSnappyDictionaryEncodedWithExactValues() throws {
        let file = try ParquetTestSupport.file("pandas_defaults")
        #expect(file.rowGroups[0].columns.allSatisfy { $0.codec == .snappy })
        #expect(file.createdBy?.hasPrefix("parquet-cpp-arrow") == true)
        #expect(file.metadata["pandas"]?.contains("\"pandas_version\"") == true)
        #expect(file.schema.columns.map(\.isNullable) == Array(repeating: true, count: 6))
        #expect(file.schema.columns[4].logicalType == .string)
        #expect(file.schema.columns[5].logicalType == .timestamp(.nanoseconds, adjustedToUTC: true))

        let score = try file.column(named: "score")
        #expect(score.values == .double([0.5, 0, -1.25, 3e10, 2.0, 0, 7.75, 0.0]))
        #expect(score.validity == [true, false, true, true, true, false, true, true])
        let count = try file.column(named: "count")
        #expect(count.values == .int64([1, 2, 0, -4, 9_007_199_254_740_993, 6, 0, 8]))
        let plain = try file.column(named: "plain_int")
        #expect(plain.validity == nil)
        #expect(plain.values == .int64([10, 20, 30, 40, 50, 60, 70, -80]))
        let at = try file.column(named: "at")
        guard case .int64(let nanos) = at.values else { Issue.record("timestamps are \(at.values)"); return }
        #expect(nanos[0] == 1_704_164_645_123_456_789)
        #expect(nanos[2] == -1)
        #expect(at.featureValue(at: 5) == .string("2262-04-11T23:47:16.854775807Z"))
        // pandas reads the int64 minimum, 1677-09-21T00:12:43.145224192, as NaT: a null.
        #expect(at.featureValue(at: 7) == .null)
        let label = try file.column(named: "label")
        #expect(label.featureValue(at: 4) == .string("ünïcødé ✓"))
        #expect(label.featureValue(at: 5) == .string(""))
        #expect(label.featureValue(at: 6) == .null)
        let flag = try file.column(named: "flag")
        #expect(flag.values == .boolean([true, false, false, true, true, false, false, true]))
        #expect(flag.validity == [true, true, false, true, true, false, true, true])
    }

    @Test func everyVariantOfTheFrameReadsTheSameColumns() throws {
        let reference = try ParquetTestSupport.file("pandas_defaults")
        for name in ["page_v2", "uncompressed", "no_dictionary", "no_dictionary_v2"] {
            let file = try ParquetTestSupport.file(name)
            for index in file.schema.columns.indices {
                #expect(try file.column(index) == reference.column(index), "\(name) column \(index)")
            }
        }
        #expect(try ParquetTestSupport.file("uncompressed").rowGroups[0].columns.allSatisfy { $0.codec == .uncompressed })
    }

    @Test func rowGroupsConcatenateAndReadOneByOne() throws {
        let file = try ParquetTestSupport.file("row_groups")
        #expect(file.rowGroups.map(\.rowCount) == [300, 300, 300, 100])
        #expect(file.schema.columns[0].isNullable == false)
        let ids = try file.column(named: "id")
        #expect(ids.values == .int64((0..<1000).map(Int64.init)))
        #expect(ids.validity == nil)
        let group2 = try file.column(0, rowGroup: 2)
        #expect(group2.values == .int64((600..<900).map(Int64.init)))
        #expect(try file.records(rowGroup: 3).first?["id"] == .number(900))
        let nothing = try file.column(named: "nothing")
        #expect(nothing.validity == Array(repeating: false, count: 1000))
        let value = try file.column(named: "value")
        #expect((0..<1000).filter { value.isNull($0) } == (0..<1000).filter { $0 % 7 == 0 })
        let names = try file.column(named: "name")
        #expect(names.featureValue(at: 38) == .string("name-1"))
        #expect(names.featureValue(at: 990) == .null)
        #expect(throws: ParquetError.self) { try file.column(0, rowGroup: 4) }
        #expect(throws: ParquetError.self) { try file.column(4) }
        #expect(throws: ParquetError.self) { try file.column(named: "missing") }
    }

    @Test func logicalTypesAreResolved() throws {
        let file = try ParquetTestSupport.file("types")
        let types = Dictionary(uniqueKeysWithValues: file.schema.columns.map { ($0.name, $0.logicalType) })
        #expect(types["i8"] == .integer(bitWidth: 8, signed: true))
        #expect(types["u64"] == .integer(bitWidth: 64, signed: false))
        #expect(types["date"] == .date)
        #expect(types["ts_ms"] == .timestamp(.milliseconds, adjustedToUTC: false))
        #expect(types["ts_us_utc"] == .timestamp(.microseconds, adjustedToUTC: true))
        #expect(types["time_ms"] == .time(.milliseconds, adjustedToUTC: true))
        #expect(types["dec38"] == .decimal(precision: 38, scale: 10))
        #expect(types["bin"] == ParquetLogicalType.none)
        #expect(file.schema.columns.first { $0.name == "fixed" }?.typeLength == 4)
        #expect(file.schema.columns.first { $0.name == "required_bool" }?.isNullable == false)

        let u64 = try file.column(named: "u64")
        #expect(u64.featureValue(at: 2) == .number(18_446_744_073_709_551_615))
        let dec9 = try file.column(named: "dec9")
        #expect(dec9.featureValue(at: 0) == .number(1_234_567.89))
        #expect(dec9.featureValue(at: 1) == .number(-0.01))
        let fixed = try file.column(named: "fixed")
        guard case .bytes(let arrays) = fixed.values else { Issue.record("fixed is \(fixed.values)"); return }
        #expect(Array(arrays[0]) == Array("abcd".utf8))
        #expect(arrays.count == 4)
    }

    @Test func legacyFilesUseConvertedTypes() throws {
        // Parquet 1.0 files carry ConvertedType only: UINT_32 is stored as INT64 without one.
        let file = try ParquetTestSupport.file("types_v1")
        let types = Dictionary(uniqueKeysWithValues: file.schema.columns.map { ($0.name, $0.logicalType) })
        #expect(types["u16"] == .integer(bitWidth: 16, signed: false))
        #expect(types["large_text"] == .string)
        #expect(types["dec18"] == .decimal(precision: 18, scale: 4))
        #expect(try file.column(named: "u32").featureValue(at: 2) == .number(4_294_967_295))
    }

    @Test func int96TimestampsReadAsNanoseconds() throws {
        let file = try ParquetTestSupport.file("int96")
        #expect(file.schema.columns[0].physicalType == .int96)
        let column = try file.column(0)
        #expect(column.values == .int64([0, 1_700_000_000_123_456_789, -1, 0]))
        #expect(column.validity == [true, true, true, false])
        #expect(column.featureValue(at: 1) == .string("2023-11-14T22:13:20.123456789"))
    }

    @Test func arthurInferencesHaveTheirIdsAndTimestamps() throws {
        let file = try ParquetTestSupport.file("arthur_inferences")
        #expect(file.rowCount == 12_000)
        #expect(file.rowGroups.map(\.rowCount) == [5_000, 5_000, 2_000])
        let ids = try file.column(named: "partner_inference_id")
        guard case .bytes(let arrays) = ids.values else { Issue.record("ids are \(ids.values)"); return }
        #expect(arrays.string(at: 0) == "inf-000000")
        #expect(arrays.string(at: 11_999) == "inf-011999")
        #expect(arrays.string(at: 5_000) == "inf-005000")
        let records = try file.records(rowGroup: 2)
        #expect(records.count == 2_000)
        #expect(records.last?["inference_timestamp"] == .string("2024-03-01T03:07:22.500184377Z"))
        #expect(records.last?["age"] == .number(58))
        #expect(records.last?["region"] == .string("south"))
    }

    @Test func refusedFilesNameWhatIsUnsupported() throws {
        let nested = #expect(throws: ParquetError.self) { try ParquetTestSupport.file("nested") }
        #expect(nested?.message.contains("'tags'") == true)
        #expect(nested?.message.contains("nested") == true)

        let gzip = try ParquetTestSupport.file("gzip")
        let gzipError = #expect(throws: ParquetError.self) { try gzip.column(0) }
        #expect(gzipError?.message.contains("GZIP") == true)
        #expect(gzipError?.message.contains("'x'") == true)

        let delta = try ParquetTestSupport.file("delta")
        let deltaError = #expect(throws: ParquetError.self) { try delta.records() }
        #expect(deltaError?.message.contains("DELTA_BINARY_PACKED") == true)
    }

    @Test func sniffingLooksAtBothEnds() throws {
        let data = try ParquetTestSupport.data("int96")
        #expect(ParquetFile.isParquet(data))
        #expect(!ParquetFile.isParquet(data.dropLast()))
        #expect(!ParquetFile.isParquet(Data("PAR1PAR1".utf8)))
        #expect(!ParquetFile.isParquet(Data("PAR1\0\0\0\0\0\0\0\0PAR0".utf8)))
        #expect(ParquetFile.isParquet(Data("PAR1\0\0\0\0\0\0\0\0PAR1".utf8)))
        // A sliced Data (non-zero start index) sniffs the same.
        let padded = Data([0, 0]) + data
        #expect(ParquetFile.isParquet(padded.dropFirst(2)))
        #expect(try ParquetFile(data: padded.dropFirst(2)).rowCount == 4)
    }
}
