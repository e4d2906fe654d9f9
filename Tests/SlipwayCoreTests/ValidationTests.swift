import Foundation
import Testing

@testable import SlipwayCore

@Suite("Validation: ObjectPath, NameRules, coercion, container config, variables")
struct ValidationTests {
    @Test(arguments: ["a", "data/x.csv", "a/b/c.d", "..foo/bar..", "dir/.hidden"])
    func objectPathAccepts(_ raw: String) throws {
        #expect(try ObjectPath(raw).value == raw)
    }

    @Test(arguments: ["", "..", "../x", "a/../b", "a/..", "./a", "a/./b", "/abs", "a//b", "//", "a/",
                      "a\u{0}b", "a\nb", "a\u{7}", "a\\b", String(repeating: "x", count: 1025)])
    func objectPathRejects(_ raw: String) {
        do {
            _ = try ObjectPath(raw)
            Issue.record("ObjectPath accepted \(raw.debugDescription)")
        } catch {
            #expect(error.kind == .badRequest)
        }
    }

    @Test func objectPathFolder() throws {
        #expect(try ObjectPath.validateFolder("") == "")
        #expect(try ObjectPath.validateFolder("a/b") == "a/b/")
        #expect(try ObjectPath.validateFolder("a/b/") == "a/b/")
        #expect(throws: SlipwayError.self) { try ObjectPath.validateFolder("../a") }
        #expect(throws: SlipwayError.self) { try ObjectPath.validateFolder("/a/") }
    }

    @Test func expandPlaceholders() {
        // 2024-03-05 07:08:09 UTC
        let date = Date(timeIntervalSince1970: 1_709_622_489)
        #expect(ObjectPath.expandPlaceholders("out/{execution_id}/{date}/{date_time}.txt", executionID: "ex-1", at: date)
            == "out/ex-1/20240305/20240305_070809.txt")
        #expect(ObjectPath.expandPlaceholders("plain", executionID: "e", at: date) == "plain")
        #expect(ObjectPath.expandPlaceholders("{date}", executionID: "e", at: Date(timeIntervalSince1970: 0)) == "19700101")
    }

    @Test(arguments: ["a", "my-step", "0abc", String(repeating: "a", count: 63)])
    func resourceNamesAccepted(_ name: String) throws {
        try NameRules.validateResourceName(name, kind: "step")
    }

    @Test(arguments: ["", "-a", "a-", "A", "a_b", "a.b", "é", String(repeating: "a", count: 64), "a b"])
    func resourceNamesRejected(_ name: String) {
        #expect(throws: SlipwayError.self) { try NameRules.validateResourceName(name, kind: "step") }
    }

    @Test func ioAndVariableNames() throws {
        try NameRules.validateIOName("_x1")
        try NameRules.validateIOName("Abc")
        for bad in ["", "1a", "a-b", "a b", "é", String(repeating: "a", count: 129)] {
            #expect(throws: SlipwayError.self, "\(bad)") { try NameRules.validateIOName(bad) }
        }
        try NameRules.validateVariableName("MY_VAR_2")
        try NameRules.validateVariableName("_x")
        for bad in ["", "2X", "A-B", "A B", "A=B", String(repeating: "A", count: 256)] {
            #expect(throws: SlipwayError.self, "\(bad)") { try NameRules.validateVariableName(bad) }
        }
    }

    @Test func metricNames() throws {
        try NameRules.validateMetricName("accuracy (val)")
        #expect(throws: SlipwayError.self) { try NameRules.validateMetricName("") }
        #expect(throws: SlipwayError.self) { try NameRules.validateMetricName("a/b") }
        #expect(throws: SlipwayError.self) { try NameRules.validateMetricName("a\nb") }
        #expect(throws: SlipwayError.self) { try NameRules.validateMetricName(String(repeating: "m", count: 256)) }
    }

    @Test func printableStripsControlsAndTruncates() {
        #expect(NameRules.printable("a\u{0}b\nc") == "abc")
        let long = NameRules.printable(String(repeating: "x", count: 100))
        #expect(long.count == 81)
        #expect(long.hasSuffix("…"))
    }

    @Test(arguments: [
        ("python:3.11-slim", "3.11"), ("python:3.11", "3.11"), ("python3.11", "3.11"), ("3.11", "3.11"),
        ("python:3.12.1", "3.12"), ("PYTHON:3.10-slim-bookworm", "3.10"), ("python:3.9-bookworm", "3.9"),
    ])
    func pythonVersionParsed(_ language: String, _ version: String) {
        #expect(ContainerConfig.pythonVersion(fromLanguage: language) == version)
    }

    @Test(arguments: ["node:18", "python:3", "python:3.11-alpine", "python:latest", "", "python:3..1", "3.x",
                      "python:3.11.1.1"])
    func pythonVersionRejected(_ language: String) {
        #expect(ContainerConfig.pythonVersion(fromLanguage: language) == nil)
    }

    @Test func formTextCoercion() throws {
        #expect(try IOValueCoercion.fromFormText(.string(" 4.5 "), as: .number, name: "n") == .number(4.5))
        #expect(throws: SlipwayError.self) { try IOValueCoercion.fromFormText(.string("four"), as: .number, name: "n") }
        #expect(try IOValueCoercion.fromFormText(.string("True"), as: .boolean, name: "b") == .bool(true))
        #expect(try IOValueCoercion.fromFormText(.string("0"), as: .boolean, name: "b") == .bool(false))
        #expect(throws: SlipwayError.self) { try IOValueCoercion.fromFormText(.string("maybe"), as: .boolean, name: "b") }
        #expect(try IOValueCoercion.fromFormText(.string("12"), as: .json, name: "j") == .number(12))
        #expect(try IOValueCoercion.fromFormText(.string("[1]"), as: .json, name: "j") == .array([.number(1)]))
        #expect(try IOValueCoercion.fromFormText(.string("hello"), as: .json, name: "j") == .string("hello"))
        #expect(try IOValueCoercion.fromFormText(.object([:]), as: .array, name: "a") == .array([]))
        #expect(throws: SlipwayError.self) { try IOValueCoercion.fromFormText(.string("x"), as: .file, name: "f") }
        #expect(try IOValueCoercion.fromFormText(.string("s"), as: .string, name: "s") == .string("s"))
    }

    @Test func strictCheck() throws {
        try IOValueCoercion.check(.null, as: .number, name: "x", role: "input")
        try IOValueCoercion.check(.object(["path": .string("p")]), as: .file, name: "x", role: "output")
        #expect(throws: SlipwayError.self) { try IOValueCoercion.check(.object([:]), as: .file, name: "x", role: "o") }
        #expect(throws: SlipwayError.self) { try IOValueCoercion.check(.number(1), as: .string, name: "x", role: "o") }
        #expect(throws: SlipwayError.self) { try IOValueCoercion.check(.object([:]), as: .array, name: "x", role: "o") }
    }

    @Test func substituteVariables() throws {
        let vars = [EnvironmentVariable(name: "TOKEN", value: "s3cr3t"), EnvironmentVariable(name: "V", value: "1.0")]
        #expect(try StepService.substituteVariables("pkg==${V}\nhttps://${TOKEN}@h/x ${V}", variables: vars)
            == "pkg==1.0\nhttps://s3cr3t@h/x 1.0")
        #expect(try StepService.substituteVariables("no vars $V {V}", variables: vars) == "no vars $V {V}")
        #expect(try StepService.substituteVariables("unterminated ${V", variables: vars) == "unterminated ${V")
        do {
            _ = try StepService.substituteVariables("x ${MISSING}", variables: vars)
            Issue.record("missing variable accepted")
        } catch {
            #expect(error.kind == .badRequest)
            #expect(error.message.contains("MISSING"))
        }
    }

    @Test func urlSigner() throws {
        let signer = URLSigner(key: Data(repeating: 7, count: 32))
        let now = Date(timeIntervalSince1970: 1_000_000)
        let claims = URLSigner.Claims(op: "download", workspaceID: "ws", path: "a/b.txt", expires: 1_000_060)
        let token = signer.sign(claims)
        #expect(try signer.verify(token, op: "download", now: now) == claims)
        #expect(try signer.verify(token, op: "download", now: Date(timeIntervalSince1970: 1_000_060)) == claims)

        func forbidden(_ token: String, op: String = "download", at date: Date = now, _ text: String) {
            do {
                _ = try signer.verify(token, op: op, now: date)
                Issue.record("verify accepted \(token)")
            } catch {
                #expect(error.kind == .forbidden)
                #expect(error.message.contains(text), "\(error.message)")
            }
        }
        forbidden(token, op: "upload", "not signed for this operation")
        forbidden(token, at: Date(timeIntervalSince1970: 1_000_061), "expired")
        // Tamper with the payload: re-encode claims with another path, keep the old MAC.
        let parts = token.split(separator: ".")
        let other = signer.sign(URLSigner.Claims(op: "download", workspaceID: "ws", path: "secret", expires: 1_000_060))
        forbidden(other.split(separator: ".")[0] + "." + parts[1], "not valid")
        var flipped = Array(token)
        let index = flipped.count - 3
        flipped[index] = flipped[index] == "A" ? "B" : "A"
        forbidden(String(flipped), "not valid")
        forbidden("garbage", "not valid")
        forbidden("", "not valid")
        forbidden(token + ".x", "not valid")
        // Another key does not verify.
        let otherSigner = URLSigner(key: Data(repeating: 8, count: 32))
        #expect(throws: SlipwayError.self) { try otherSigner.verify(token, op: "download", now: now) }
    }
}
