import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

@Suite("BracketForm")
struct BracketFormTests {
    private func decode(_ fields: [(String, String)]) throws -> JSONValue { try BracketForm.decode(fields) }

    @Test func sdkExamples() throws {
        let value = try decode([
            ("inputs[0][name]", "a"),
            ("inputs[0][is_required]", "True"),
            ("container_config[included_folders][0]", "src"),
            ("inputs[1][name]", "b"),
            ("inputs[1][default_value][x][0]", "1"),
        ])
        #expect(value == .object([
            "inputs": .array([
                .object(["name": .string("a"), "is_required": .string("True")]),
                .object(["name": .string("b"), "default_value": .object(["x": .array([.string("1")])])]),
            ]),
            "container_config": .object(["included_folders": .array([.string("src")])]),
        ]))
        #expect(value["inputs"]?.arrayValue?[0]["is_required"]?.formBool == true)
    }

    @Test func capturedURLEncodedBody() throws {
        let body = "pipeline_name=p2&function_path=src%2Fmain.py&function_name=f&container_config%5Bdockerfile_path%5D="
        let value = try BracketForm.decode(urlEncoded: Data(body.utf8))
        #expect(value == .object([
            "pipeline_name": .string("p2"),
            "function_path": .string("src/main.py"),
            "function_name": .string("f"),
            "container_config": .object(["dockerfile_path": .string("")]),
        ]))
        #expect(value["container_config"]?["dockerfile_path"]?.isFormNull == true)
        #expect(value["container_config"]?["dockerfile_path"]?.formString == nil)
    }

    @Test func arraysOfObjects() throws {
        var fields: [(String, String)] = []
        for i in 0..<12 {
            fields.append(("steps[\(i)][name]", "s\(i)"))
            fields.append(("steps[\(i)][deps][]", "d\(i)"))
        }
        let steps = try decode(fields)["steps"]?.arrayValue
        #expect(steps?.count == 12)
        #expect(steps?.map { $0["name"]?.stringValue } == (0..<12).map { "s\($0)" })  // 10 sorts after 9
        #expect(steps?[11]["deps"] == .array([.string("d11")]))
    }

    @Test func sparseIndicesAreCompacted() throws {
        let value = try decode([("a[5]", "five"), ("a[1]", "one"), ("a[30]", "thirty")])
        #expect(value["a"] == .array([.string("one"), .string("five"), .string("thirty")]))
    }

    @Test func mixedOrNonCanonicalKeysMakeObjects() throws {
        #expect(try decode([("a[0]", "x"), ("a[name]", "y")])["a"] == .object(["0": .string("x"), "name": .string("y")]))
        #expect(try decode([("a[01]", "x")])["a"] == .object(["01": .string("x")]))
        #expect(try decode([("a[-1]", "x")])["a"] == .object(["-1": .string("x")]))
        #expect(try decode([("0", "x"), ("1", "y")]) == .object(["0": .string("x"), "1": .string("y")]))
    }

    @Test func appendSyntax() throws {
        #expect(try decode([("tags[]", "a"), ("tags[]", "b"), ("tags[]", "c")])["tags"]
            == .array([.string("a"), .string("b"), .string("c")]))
        #expect(try decode([("t[3]", "x"), ("t[]", "y")])["t"] == .array([.string("x"), .string("y")]))
        #expect(try decode([("o[k][]", "1"), ("o[k][]", "2")]) == .object(["o": .object(["k": .array([.string("1"), .string("2")])])]))
    }

    @Test func duplicatesLastWins() throws {
        #expect(try decode([("a", "1"), ("a", "2")]) == .object(["a": .string("2")]))
        #expect(try decode([("a[0]", "1"), ("a[0]", "2")])["a"] == .array([.string("2")]))
    }

    @Test func leafAndParentConflict() {
        let first = #expect(throws: FormError.self) { try decode([("a", "1"), ("a[b]", "2")]) }
        #expect(first?.message == "form field 'a[b]' conflicts with another field: 'a' is used both as a value and as a container")
        let second = #expect(throws: FormError.self) { try decode([("a[b][c]", "1"), ("a[b]", "2")]) }
        #expect(second?.message.contains("'a[b]' is used both as a value and as a container") == true)
    }

    @Test(arguments: [
        ("a[b", "missing ']'"),
        ("a]", "unexpected ']'"),
        ("[x]", "it starts with '[' instead of a name"),
        ("a[b]c", "unexpected text after ']'"),
        ("a[b][]x", "unexpected text after ']'"),
        ("a[][b]", "'[]' is only allowed at the end"),
        ("a[b[c]]", "unexpected '[' inside brackets"),
        ("a]b[c]", "unexpected ']'"),
    ])
    func malformedKeys(_ key: String, _ reason: String) {
        let error = #expect(throws: FormError.self) { try decode([(key, "v")]) }
        #expect(error?.message == "form field name '\(key)' is malformed: \(reason)")
    }

    @Test func emptyNameAndDepthLimit() throws {
        #expect(throws: FormError.emptyKey) { try decode([("", "v")]) }
        let ok = "a" + String(repeating: "[x]", count: 32)
        #expect(throws: Never.self) { try decode([(ok, "v")]) }
        let error = #expect(throws: FormError.self) { try decode([(ok + "[x]", "v")]) }
        #expect(error?.message.contains("nested more than 32 levels deep") == true)
    }

    @Test func parseKeySegments() throws {
        #expect(try BracketForm.parseKey("a[b][0][]") == [.key("a"), .key("b"), .key("0"), .append])
        #expect(try BracketForm.parseKey("plain name") == [.key("plain name")])
        #expect(try BracketForm.parseKey("a[b c]") == [.key("a"), .key("b c")])
    }

    @Test func typedAccessors() {
        for text in ["True", "true", "1"] { #expect(JSONValue.string(text).formBool == true) }
        for text in ["False", "false", "0"] { #expect(JSONValue.string(text).formBool == false) }
        for text in ["", "yes", "TRUE ", "2"] { #expect(JSONValue.string(text).formBool == nil) }
        #expect(JSONValue.bool(false).formBool == false)
        #expect(JSONValue.string("").isFormNull)
        #expect(JSONValue.null.isFormNull)
        #expect(!JSONValue.string("x").isFormNull)
        #expect(JSONValue.string("x").formString == "x")
        #expect(JSONValue.string(" 42").formInt == 42)
        #expect(JSONValue.string("4.5").formInt == nil)
        #expect(JSONValue.string("4.5").formDouble == 4.5)
        #expect(JSONValue.string("nan").formDouble == nil)
        #expect(JSONValue.number(3).formInt == 3)
        #expect(JSONValue.string("").formArray == [])
        #expect(JSONValue.array([.string("a")]).formArray == [.string("a")])
        #expect(JSONValue.string("a").formArray == nil)
    }
}
