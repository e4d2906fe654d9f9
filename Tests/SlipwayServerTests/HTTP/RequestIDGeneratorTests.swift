import Testing

@testable import SlipwayServer

@Suite("Request ids")
struct RequestIDGeneratorTests {
    @Test func idsAreSixteenBase36CharactersAndDistinct() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_000).map { _ in RequestIDGenerator.next() } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(ids).count == 8_000)
        for id in ids.prefix(100) {
            #expect(id.utf8.count == 16)
            #expect(id.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        }
        // One process: one random prefix.
        #expect(Set(ids.map { $0.prefix(8) }).count == 1)
    }
}
