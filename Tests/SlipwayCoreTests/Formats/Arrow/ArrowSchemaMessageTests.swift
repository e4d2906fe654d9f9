import Foundation
import Testing

@testable import SlipwayCore

@Suite("Arrow schema messages")
struct ArrowSchemaMessageTests {
    static let expected = ArrowSchema(
        fields: [
            ArrowField("tensor", .list(ArrowField("item", .float64)), nullable: false, metadata: ["unit": "usd"]),
            ArrowField("name", .utf8),
            ArrowField("count", .int32),
            ArrowField("fixed", .fixedSizeList(ArrowField("item", .float32), size: 4)),
            ArrowField("when", .timestamp(.millisecond, timezone: "UTC")),
            ArrowField("in", .struct([ArrowField("a", .float64), ArrowField("b", .largeUTF8)])),
        ],
        metadata: ["origin": "slipway-tests"])

    @Test func decodesPyarrowSerializedSchema() throws {
        #expect(try ArrowSchema.decodeMessage(ArrowFixtures.serializedSchema) == Self.expected)
        #expect(try ArrowSchema.decodeBase64Message(ArrowFixtures.serializedSchema.base64EncodedString()) == Self.expected)
    }

    @Test func encodeRoundTrips() throws {
        let encoded = Self.expected.encodeMessage()
        #expect(encoded.count % 8 == 0)
        #expect(encoded.prefix(4) == Data([0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(try ArrowSchema.decodeMessage(encoded) == Self.expected)
    }

    @Test func everyPrefixOfASchemaMessageThrows() {
        let bytes = ArrowFixtures.serializedSchema
        for length in 0..<bytes.count {
            #expect(throws: ArrowError.self) { try ArrowSchema.decodeMessage(bytes.prefix(length)) }
        }
    }

    @Test func recordBatchIsNotASchema() throws {
        // Skip the stream's schema message: what follows is a record batch message.
        var cursor = ArrowMessageCursor(bytes: [UInt8](ArrowFixtures.stream), position: 0)
        _ = try cursor.next()
        let error = try #require(throws: ArrowError.self) {
            try ArrowSchema.decodeMessage(ArrowFixtures.stream.dropFirst(cursor.position))
        }
        #expect(error.message.contains("expected a Schema message"))
    }

    @Test func invalidBase64() {
        #expect(throws: ArrowError("the Arrow schema is not valid base64")) { try ArrowSchema.decodeBase64Message("%%%") }
    }
}
