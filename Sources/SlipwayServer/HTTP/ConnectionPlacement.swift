import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Where each HTTP connection's work runs, chosen when the connection opens.
///
/// While few connections are open, a new one is handled entirely on its event loop
/// (`EventLoopTaskExecutor` preferred): a request then costs two thread hand-offs fewer, which is
/// most of the latency a lone caller sees. Past `eventLoopConnections` open connections, new ones
/// run their handlers on the global pool, where many concurrent requests spread over every core
/// instead of queueing behind the event loops' own I/O. The choice holds for the connection's
/// life.
final class ConnectionPlacement: Sendable {
    /// Open connections up to which a new one stays on its event loop.
    let eventLoopConnections: Int
    private let open = Atomic<Int>(0)

    init(eventLoopConnections: Int) {
        self.eventLoopConnections = eventLoopConnections
    }

    /// Runs `body` (one connection's handling) where the placement rule says.
    func run(on eventLoop: any EventLoop, _ body: () async -> Void) async {
        let count = open.wrappingAdd(1, ordering: .relaxed).newValue
        defer { open.wrappingSubtract(1, ordering: .relaxed) }
        if count <= eventLoopConnections {
            await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) { await body() }
        } else {
            await body()
        }
    }
}

/// A server child channel whose connections are placed by a `ConnectionPlacement`.
struct PlacedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let placement: ConnectionPlacement

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await placement.run(on: value.channel.eventLoop) { await base.handle(value: value, logger: logger) }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1, each connection placed by `placement`.
    static func http1(placement: ConnectionPlacement) -> HTTPServerBuilder {
        .init { responder in
            PlacedChildChannel(base: HTTP1Channel(responder: responder), placement: placement)
        }
    }
}
