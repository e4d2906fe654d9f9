import Foundation
import Testing

@testable import SlipwayCore

@Suite("Glob patterns over object paths")
struct GlobPatternTests {
    @Test(arguments: [
        ("*.csv", "a.csv"), ("*.csv", ".csv"), ("*", "anything"), ("data/*.json", "data/x.json"),
        ("?.txt", "a.txt"), ("a?c", "abc"), ("file-??", "file-01"), ("*a*b*", "xxaxxbxx"), ("*a*b*", "ab"),
        ("**", "a"), ("**", "a/b/c"), ("**/*.csv", "x.csv"), ("**/*.csv", "a/b/x.csv"),
        ("a/**/b", "a/b"), ("a/**/b", "a/x/b"), ("a/**/b", "a/x/y/z/b"), ("a/**", "a/x"), ("a/**", "a/x/y"),
        ("**/logs/**", "logs/x"), ("a/**", "a"), ("**/logs/**", "a/logs"), ("**/logs/**", "a/logs/b/c"), ("a/**/**/b", "a/b"),
        ("a**b", "axxb"), (#"\*.txt"#, "*.txt"), (#"a\?"#, "a?"), (#"\\"#, "\\"),
        ("café/*", "cafe\u{301}/menu"), ("*/*", "a/b"), ("a*a*a*a*b", "aaaaaaaaaaaaaaaab"),
    ])
    func matches(_ pattern: String, _ path: String) throws {
        #expect(try GlobPattern(pattern).matches(path), "\(pattern) should match \(path)")
    }

    @Test(arguments: [
        ("*.csv", "a.json"), ("*.csv", "dir/a.csv"), ("*", "a/b"), ("data/*.json", "data/sub/x.json"),
        ("?.txt", "ab.txt"), ("?.txt", ".txt"), ("a?c", "a/c"), ("file-??", "file-1"),
        ("**/*.csv", "a/b/x.json"), ("a/**/b", "a/xb"), ("a/**/b", "ab"), ("a/**/b", "a/b/c"), 
        ("a/**", "b/x"), ("a**b", "a/b"), (#"\*.txt"#, "a.txt"), (#"a\?"#, "ab"),
        ("abc", "abcd"), ("abc", "ab"), ("*/*", "a"), ("a*a*a*a*b", "aaaaaaaaaaaaaaaa"), ("x", ""),
    ])
    func doesNotMatch(_ pattern: String, _ path: String) throws {
        #expect(try !GlobPattern(pattern).matches(path), "\(pattern) should not match \(path)")
    }

    @Test(arguments: ["", "/abs", "a//b", "a/", "./a", "a/../b", "..", "a\u{0}", "tab\there", #"end\"#,
                      String(repeating: "x", count: 1025)])
    func refuses(_ pattern: String) {
        expectBadRequest("glob") { _ = try GlobPattern(pattern) }
    }

    @Test func codableAsTheTextAndValidatedOnDecode() throws {
        let glob = try GlobPattern("in/**/*.csv")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = try encoder.encode(glob)
        #expect(String(decoding: data, as: UTF8.self) == #""in/**/*.csv""#)
        #expect(try JSONDecoder().decode(GlobPattern.self, from: data) == glob)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(GlobPattern.self, from: Data(#""/abs""#.utf8)) }
        #expect(glob.description == "in/**/*.csv")
    }

    /// Cross-checks the linear matcher against a plain recursive definition on random patterns.
    @Test func agreesWithARecursiveDefinition() throws {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let patternPieces = ["a", "b", "*", "?", "/", "**", "\\*"]
        let pathPieces = ["a", "b", "/", "*"]
        var compared = 0
        var matched = 0
        for _ in 0..<4000 {
            let pattern = (0..<(1 + next(6))).map { _ in patternPieces[next(patternPieces.count)] }.joined()
            guard let glob = try? GlobPattern(pattern) else { continue }
            for _ in 0..<8 {
                let path = (0..<(1 + next(7))).map { _ in pathPieces[next(pathPieces.count)] }.joined()
                let expected = Self.reference(pattern, path)
                #expect(glob.matches(path) == expected, "\(pattern) vs \(path)")
                compared += 1
                if expected { matched += 1 }
            }
        }
        #expect(compared > 5000)
        #expect(matched > 300)
    }

    static func reference(_ pattern: String, _ path: String) -> Bool {
        segments(pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)[...],
                 path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)[...])
    }

    static func segments(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            return segments(pattern.dropFirst(), path) || (!path.isEmpty && segments(pattern, path.dropFirst()))
        }
        guard let part = path.first else { return false }
        return characters(Array(first)[...], Array(part)[...]) && segments(pattern.dropFirst(), path.dropFirst())
    }

    static func characters(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*": return characters(pattern.dropFirst(), text) || (!text.isEmpty && characters(pattern, text.dropFirst()))
        case "?": return !text.isEmpty && characters(pattern.dropFirst(), text.dropFirst())
        case "\\":
            let literal = pattern.dropFirst().first
            return text.first == literal && characters(pattern.dropFirst(2), text.dropFirst())
        default: return text.first == first && characters(pattern.dropFirst(), text.dropFirst())
        }
    }
}
