import Foundation
import Testing

@testable import SlipwayCore

/// Helpers shared by the Arrow tests.
enum ArrowTestSupport {
    /// Parses JSON text of an array of objects into records.
    static func records(_ json: String) throws -> [[String: JSONValue]] {
        let value = try JSONValue.parse(json)
        return try #require(value.arrayValue).map { try #require($0.objectValue) }
    }

    /// A small deterministic generator (SplitMix64) so that fuzz runs are reproducible.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Every pyarrow-written file fixture, by name.
    static let files: [(name: String, data: Data)] = [
        ("ccfraud", ArrowFixtures.ccfraud), ("strings", ArrowFixtures.strings), ("ints", ArrowFixtures.ints),
        ("bools", ArrowFixtures.bools), ("nestedLists", ArrowFixtures.nestedLists), ("structs", ArrowFixtures.structs),
        ("fixedSizeList", ArrowFixtures.fixedSizeList), ("temporal", ArrowFixtures.temporal), ("misc", ArrowFixtures.misc),
        ("multiBatchFile", ArrowFixtures.multiBatchFile), ("empty", ArrowFixtures.empty),
        ("categorical", ArrowFixtures.categorical), ("sliced", ArrowFixtures.sliced), ("small", ArrowFixtures.small),
    ]

    /// Fixtures with rows comparable as JSON, with those rows.
    static let filesWithRecords: [(name: String, data: Data, records: String)] = [
        ("ccfraud", ArrowFixtures.ccfraud, ArrowFixtures.ccfraudRecords),
        ("strings", ArrowFixtures.strings, ArrowFixtures.stringsRecords),
        ("ints", ArrowFixtures.ints, ArrowFixtures.intsRecords),
        ("bools", ArrowFixtures.bools, ArrowFixtures.boolsRecords),
        ("nestedLists", ArrowFixtures.nestedLists, ArrowFixtures.nestedListsRecords),
        ("structs", ArrowFixtures.structs, ArrowFixtures.structsRecords),
        ("fixedSizeList", ArrowFixtures.fixedSizeList, ArrowFixtures.fixedSizeListRecords),
        ("multiBatchFile", ArrowFixtures.multiBatchFile, ArrowFixtures.multiBatchFileRecords),
        ("empty", ArrowFixtures.empty, ArrowFixtures.emptyRecords),
        ("categorical", ArrowFixtures.categorical, ArrowFixtures.categoricalRecords),
        ("sliced", ArrowFixtures.sliced, ArrowFixtures.slicedRecords),
        ("small", ArrowFixtures.small, ArrowFixtures.smallRecords),
    ]
}
