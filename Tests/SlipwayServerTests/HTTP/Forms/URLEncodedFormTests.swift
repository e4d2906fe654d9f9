import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

@Suite("URLEncodedForm")
struct URLEncodedFormTests {
    private func pairs(_ body: String) throws -> [[String]] {
        try URLEncodedForm.parse(body).map { [$0.0, $0.1] }
    }

    @Test func parsesCapturedSDKBody() throws {
        let body = "pipeline_name=p2&function_path=src%2Fmain.py&function_name=f&container_config%5Bdockerfile_path%5D="
        #expect(try pairs(body) == [
            ["pipeline_name", "p2"], ["function_path", "src/main.py"], ["function_name", "f"],
            ["container_config[dockerfile_path]", ""],
        ])
    }

    @Test func parsesJSONInputsField() throws {
        let fields = try URLEncodedForm.parse(Data("json_inputs=%7B%22a%22%3A+1%2C+%22s%22%3A+%22x%22%7D".utf8))
        #expect(fields.count == 1)
        #expect(fields[0].0 == "json_inputs")
        #expect(fields[0].1 == #"{"a": 1, "s": "x"}"#)
        #expect(try JSONValue.parse(fields[0].1) == .object(["a": .number(1), "s": .string("x")]))
    }

    @Test func decodingRules() throws {
        #expect(try pairs("") == [])
        #expect(try pairs("a=1&&b=2&") == [["a", "1"], ["b", "2"]])
        #expect(try pairs("flag&x=") == [["flag", ""], ["x", ""]])
        #expect(try pairs("a+b=c+d%20e") == [["a b", "c d e"]])
        #expect(try pairs("k=a%2Bb%3D%26") == [["k", "a+b=&"]])
        #expect(try pairs("eq=a=b") == [["eq", "a=b"]])
        #expect(try pairs("caf%C3%A9=%E2%9C%93&lit=é") == [["café", "✓"], ["lit", "é"]])
        #expect(try pairs("a=1&a=2") == [["a", "1"], ["a", "2"]])  // order and duplicates kept
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "%G0=1", "a=%4g"])
    func rejectsBadPercentEscapes(_ body: String) {
        let error = #expect(throws: FormError.self) { try URLEncodedForm.parse(body) }
        #expect(error?.message.contains("invalid percent-encoded sequence") == true)
    }

    @Test func rejectsInvalidUTF8() {
        let error = #expect(throws: FormError.self) { try URLEncodedForm.parse("a=%FF%FE") }
        #expect(error?.message.contains("not valid UTF-8") == true)
    }

    @Test func enforcesFieldLimit() throws {
        let body = (0..<5).map { "f\($0)=x" }.joined(separator: "&")
        #expect(try URLEncodedForm.parse(body, maxFields: 5).count == 5)
        let error = #expect(throws: FormError.self) { try URLEncodedForm.parse(body, maxFields: 4) }
        #expect(error?.message == "the form has more than 4 fields")
        #expect(error?.exceedsLimit == true)
        #expect(URLEncodedForm.defaultMaxFields == 10_000)
    }
}
