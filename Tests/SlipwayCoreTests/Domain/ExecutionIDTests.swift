import Foundation
import Testing

@testable import SlipwayCore

@Suite("Execution ids")
struct ExecutionIDTests {
    @Test func idsSortInCreationOrderAndStayDistinctWithinAMicrosecond() {
        let t0 = Date(timeIntervalSince1970: 1_795_000_000.000001)
        let times = [t0, t0.addingTimeInterval(0.000001), t0.addingTimeInterval(1), t0.addingTimeInterval(86_400 * 365 * 50)]
        let ids = times.map { Execution.makeID(pipelineName: "my-pipe", at: $0) }
        #expect(ids == ids.sorted())
        for id in ids {
            #expect(id.hasPrefix("my-pipe-"))
            let suffix = id.dropFirst("my-pipe-".count)
            #expect(suffix.count == 16)
            #expect(suffix.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
        }
        // Six random base-36 characters (36^6 ≈ 2.2e9) tell apart ids of the same microsecond:
        // 1,000 of them collide with probability ≈ 1,000² / (2 · 2.2e9) ≈ 0.02% (10,000 would
        // collide 2% of the time, which is why this is not 10,000).
        let sameInstant = Set((0..<1_000).map { _ in Execution.makeID(pipelineName: "p", at: t0) })
        #expect(sameInstant.count == 1_000)
    }

    @Test func theTimePartHasAFixedWidthFromTheEpoch() {
        let early = Execution.makeID(pipelineName: "p", at: Date(timeIntervalSince1970: 0))
        #expect(early.hasPrefix("p-0000000000"))
        #expect(early.count == "p-".count + 16)
        let late = Execution.makeID(pipelineName: "p", at: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(early < late)
    }
}
