import Foundation
import Testing

@testable import SlipwayCore

@Suite("JSONTextWriter")
struct JSONTextWriterTests {
    func text(_ value: JSONValue) -> String {
        String(decoding: JSONTextWriter.bytes(of: value), as: UTF8.self)
    }

    @Test func writesCompactTextWithSortedKeys() {
        let value = JSONValue.object(["b": .array([.number(1), .bool(true), .null]), "a": .string("x/y"), "A": .object([:])])
        #expect(text(value) == #"{"A":{},"a":"x/y","b":[1,true,null]}"#)
    }

    @Test func writesNumbers() {
        #expect(text(.number(3)) == "3")
        #expect(text(.number(-0.0)) == "0")
        #expect(text(.number(2.5)) == "2.5")
        #expect(text(.number(1e300)) == "1e+300")
        #expect(text(.number(9_007_199_254_740_992)) == "9007199254740992")
        #expect(text(.number(1e17)) == "1e+17")
        #expect(text(.number(.nan)) == "null")
        #expect(text(.number(.infinity)) == "null")
    }

    @Test func escapesWhatJSONRequires() {
        #expect(text(.string("q\" b\\ n\n r\r t\t \u{08}\u{0C} \u{01} é😀")) == "\"q\\\" b\\\\ n\\n r\\r t\\t \\b\\f \\u0001 é😀\"")
    }

    @Test(arguments: [
        JSONValue.null, .bool(false), .number(-12.75), .string("multi\nline \"quoted\" \u{1F}"),
        .array([.object(["k": .array([])]), .number(1e-7)]),
        .object(["nested": .object(["deeper": .array([.string("é"), .null, .bool(true)])]), "n": .number(42)]),
    ])
    func roundTripsThroughTheParserAndFoundation(_ value: JSONValue) throws {
        let bytes = JSONTextWriter.bytes(of: value)
        #expect(try JSONTextParser.parse(Data(bytes)) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) == value)
    }

    @Test func jsonValueUsesIt() {
        #expect(JSONValue.object(["z": .number(1), "a": .number(2)]).jsonString() == #"{"a":2,"z":1}"#)
        #expect(IOValueCoercion.encodedSize(.string("é")) == 4)
    }
}
