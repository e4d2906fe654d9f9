#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import NIOCore
import NIOPosix
import SlipwayCore

extension ForkServer.Child {
    /// Longest line a worker may write (a result carries the outputs).
    static let maxLineLength = 64 << 20

    /// One execution's exchange with this child, as `SubprocessElasticLauncher.drive` has it with
    /// a process it started: `input` written and closed, log lines and the answer read until the
    /// child closes its output, its process group killed when `timeout` passes first. Takes over
    /// the child's pipes (closed when this returns).
    func drive(input bytes: [UInt8], executionID: String, timeout: Duration, state: WorkerCallState,
               log: @escaping @Sendable (LogLine) -> Void) async throws {
        let pid = self.pid
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            state.markTimedOut()
            killpg(pid, SIGKILL)
        }
        defer { watchdog.cancel() }
        let group = MultiThreadedEventLoopGroup.singleton
        let main: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            main = try await NIOPipeBootstrap(group: group)
                .takingOwnershipOfDescriptors(input: output, output: input) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true))
                    }
                }
        } catch {
            Glibc.close(output); Glibc.close(input); Glibc.close(self.error)
            throw error
        }
        let errors: NIOAsyncChannel<ByteBuffer, Never>
        do {
            errors = try await NIOPipeBootstrap(group: group).takingOwnershipOfDescriptor(input: self.error) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            Glibc.close(self.error)
            try? await main.executeThenClose { _, _ in }
            throw error
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                try await main.executeThenClose { inbound, outbound in
                    try await withThrowingTaskGroup(of: Void.self) { sides in
                        sides.addTask {
                            // A child that exits without reading fails this write; its output says why.
                            try? await outbound.write(ByteBuffer(bytes: bytes))
                            outbound.finish()
                        }
                        sides.addTask {
                            var lines = LineSplitter(maxLength: Self.maxLineLength)
                            for try await chunk in inbound {
                                for line in try lines.append(chunk) {
                                    SubprocessElasticLauncher.take(line, executionID: executionID, state: state, log: log)
                                }
                            }
                            if let last = lines.remainder() {
                                SubprocessElasticLauncher.take(last, executionID: executionID, state: state, log: log)
                            }
                        }
                        try await sides.waitForAll()
                    }
                }
            }
            tasks.addTask {
                try await errors.executeThenClose { inbound, _ in
                    var lines = LineSplitter(maxLength: Self.maxLineLength)
                    for try await chunk in inbound {
                        for line in try lines.append(chunk) {
                            log(LogLine(timestamp: Date(), stream: .stderr, message: line))
                        }
                    }
                    if let last = lines.remainder() { log(LogLine(timestamp: Date(), stream: .stderr, message: last)) }
                }
            }
            try await tasks.waitForAll()
        }
    }
}
