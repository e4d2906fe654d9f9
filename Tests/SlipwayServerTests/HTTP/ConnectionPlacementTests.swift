import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import SlipwayServer

/// What the connections' bodies saw, shared with them.
private final class Record: Sendable {
    let onLoop = Mutex<[Bool]>([])
    let started = Mutex(0)
}

@Suite("Connection placement")
struct ConnectionPlacementTests {
    /// Runs `count` connections' bodies at once (each holds until all have started) and returns,
    /// in order of arrival, whether each body ran on its event loop.
    func placements(count: Int, limit: Int) async throws -> [Bool] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let placement = ConnectionPlacement(eventLoopConnections: limit)
        let record = Record()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for _ in 0..<count {
                // One at a time, so that the count of open connections each sees is known.
                let before = record.started.withLock { $0 }
                let loop = group.next()
                tasks.addTask {
                    await placement.run(on: loop) {
                        record.onLoop.withLock { $0.append(loop.inEventLoop) }
                        record.started.withLock { $0 += 1 }
                        while record.started.withLock({ $0 }) < count { try? await Task.sleep(for: .milliseconds(1)) }
                        // Still on the loop after a suspension: the preference holds for the connection.
                        record.onLoop.withLock { $0.append(loop.inEventLoop) }
                    }
                }
                while record.started.withLock({ $0 }) == before { try await Task.sleep(for: .milliseconds(1)) }
            }
            try await tasks.waitForAll()
        }
        try await group.shutdownGracefully()
        let seen = record.onLoop.withLock { $0 }
        // First `count` entries: on arrival; the rest: after waiting, in the order they resumed.
        #expect(seen[count...].filter { $0 }.count == seen[..<count].filter { $0 }.count)
        return Array(seen[..<count])
    }

    @Test func theFirstConnectionsRunOnTheirEventLoopAndTheRestOnThePool() async throws {
        #expect(try await placements(count: 5, limit: 3) == [true, true, true, false, false])
    }

    @Test func zeroKeepsEveryConnectionOnThePool() async throws {
        #expect(try await placements(count: 2, limit: 0) == [false, false])
    }

    @Test func aClosedConnectionFreesItsPlace() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let placement = ConnectionPlacement(eventLoopConnections: 1)
        let loop = group.next()
        for _ in 0..<3 {
            let record = Record()
            await placement.run(on: loop) { record.onLoop.withLock { $0.append(loop.inEventLoop) } }
            #expect(record.onLoop.withLock { $0 } == [true])
        }
        try await group.shutdownGracefully()
    }
}
