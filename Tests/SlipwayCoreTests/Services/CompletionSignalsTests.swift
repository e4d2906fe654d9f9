import Foundation
import Testing

@testable import SlipwayCore

@Suite("CompletionSignals")
struct CompletionSignalsTests {
    @Test func pollReturnsASettledValueWithoutWaiting() async throws {
        let signals = CompletionSignals()
        let reads = LockedBox(0)
        let value = try await signals.poll("k", hold: .seconds(30), from: 7, settled: { $0 == 7 },
                                           read: { reads.update { $0 += 1 }; return 0 })
        #expect(value == 7)
        #expect(reads.value == 0)
    }

    @Test func pollRereadsOnEverySignalUntilSettled() async throws {
        let signals = CompletionSignals()
        let reads = LockedBox(0)
        let signaller = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(5))
                signals.signal("k")
            }
        }
        defer { signaller.cancel() }
        let value = try await signals.poll("k", hold: .seconds(30), from: 0, settled: { $0 >= 3 }, read: {
            reads.update { $0 += 1 }
            return reads.value
        })
        #expect(value == 3)
        #expect(reads.value == 3)
    }

    @Test func pollGivesUpAfterTheHold() async throws {
        let signals = CompletionSignals()
        let value = try await signals.poll("k", hold: .milliseconds(50), from: 0, settled: { _ in false }, read: { 1 })
        #expect(value == 1, "read once more when the hold ends")
    }
}
