import Foundation
import Testing

@testable import SlipwayCore

@Suite("Open name sets: known names plus any other, round-tripping exactly")
struct OpenNameSetTests {
    func checkRules<T: OpenNameSet>(_: T.Type, sample other: String) throws {
        for value in T.known {
            let decoded = try #require(T(rawValue: value.rawValue))
            #expect(decoded == value)
            #expect(T.known.filter { $0.rawValue == value.rawValue }.count == 1, "\(value) is known once")
            #expect(decoded.rawValue == value.rawValue)
            #expect(!T.known.contains(T.other(other)))
        }
        #expect(T(rawValue: other) == T.other(other))
        #expect(T(rawValue: other)?.rawValue == other)
        #expect(T(rawValue: String(repeating: "x", count: T.maximumRawValueBytes)) != nil)
        for bad in ["", "a\nb", "\u{7f}", String(repeating: "x", count: T.maximumRawValueBytes + 1)] {
            #expect(T(rawValue: bad) == nil, "\(bad.debugDescription)")
        }
        let values = T.known + [T.other(other)]
        let data = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([T].self, from: data) == values)
        #expect(try JSONDecoder().decode([String].self, from: data) == values.map(\.rawValue))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(T.self, from: Data(#""""#.utf8)) }
        #expect(values.map(\.description) == values.map(\.rawValue))
    }

    @Test func modelFrameworks() throws { try checkRules(ModelFramework.self, sample: "hugging-face-summarization") }
    @Test func connectionTypes() throws { try checkRules(ConnectionType.self, sample: "BIGQUERY") }
}
