import Foundation
import ServiceLifecycle

/// A long-lived part of the server as a `Service` of the one `ServiceGroup`: started when the
/// group runs, stopped when graceful shutdown reaches it (services stop in the reverse order of
/// the group's list, so what needs the store stops before it closes).
struct LifecycleService: Service {
    let name: String
    let start: @Sendable () async -> Void
    let stop: @Sendable () async -> Void

    init(_ name: String, start: @escaping @Sendable () async -> Void = {}, stop: @escaping @Sendable () async -> Void) {
        self.name = name
        self.start = start
        self.stop = stop
    }

    func run() async throws {
        await start()
        // Returns on graceful shutdown, throws on cancellation: either way the part is stopped.
        try? await gracefulShutdown()
        await stop()
    }
}
