import Foundation
import Testing

@testable import SlipwayCore

@Suite("JSONTextParser")
struct JSONTextParserTests {
    /// What Foundation makes of the same text, as a `JSONValue`.
    func foundation(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test(arguments: [
        "null", "true", "false", "0", "-0", "1", "-17", "3.25", "1e3", "-2.5E-3", "9007199254740993", "1.7976931348623157e308",
        "\"\"", "\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u00e9\\u4e2d\"", "\"\\ud83d\\ude00\"", "\"é中😀\"",
        "[]", "{}", "[1,[2,[3,{}]]]", " { \"a\" : 1 , \"b\" : [ true , null ] }\n", "{\"a\":{\"b\":{\"c\":\"d\"}}}",
        "[0.1, 100, 12345678901234567890, -1e-7]",
    ])
    func agreesWithFoundation(_ text: String) throws {
        #expect(try JSONTextParser.parse(text) == foundation(text))
    }

    @Test(arguments: [
        "", " ", "nul", "tru", "True", "NaN", "Infinity", "-", "01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1e400", "-1e400",
        "\"open", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"tab\there\"",
        "[", "[1,]", "[,1]", "[1 2]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "{1:2}",
        "1 2", "{} []", "[1]x", "// comment\n1", "'single'",
    ])
    func refusesInvalidText(_ text: String) {
        #expect(throws: JSONTextParser.SyntaxError.self) { try JSONTextParser.parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONTextParser.SyntaxError.self) { try JSONTextParser.parse(Data(bytes)) }
    }

    @Test func acceptsAByteOrderMark() throws {
        #expect(try JSONTextParser.parse(Data([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))) == .array([.number(1)]))
    }

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        #expect(try JSONTextParser.parse("{\"a\":1,\"a\":2}") == .object(["a": .number(2)]))
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: JSONTextParser.maxDepth) + String(repeating: "]", count: JSONTextParser.maxDepth)
        #expect(throws: Never.self) { try JSONTextParser.parse(deep) }
        let tooDeep = "[" + deep + "]"
        let error = try #require(throws: JSONTextParser.SyntaxError.self) { try JSONTextParser.parse(tooDeep) }
        #expect(error.description.contains("nested deeper"))
    }

    @Test func errorsSayWhere() throws {
        let error = try #require(throws: JSONTextParser.SyntaxError.self) { try JSONTextParser.parse("[1, x]") }
        #expect(error.offset == 4)
    }

    @Test func largeIntegersBecomeTheNearestDouble() throws {
        #expect(try JSONTextParser.parse("9007199254740993") == .number(9_007_199_254_740_992))
        #expect(try JSONTextParser.parse("-9007199254740992") == .number(-9_007_199_254_740_992))
    }
}
