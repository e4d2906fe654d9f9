import Logging
import ServiceLifecycle

/// A service the server can run without (the API's Unix socket): when it fails, the failure is
/// logged and the rest of the group goes on until graceful shutdown.
struct OptionalService<Inner: Service>: Service {
    let name: String
    let inner: Inner
    let logger: Logger

    func run() async throws {
        do {
            try await inner.run()
        } catch is CancellationError {
            return
        } catch {
            logger.warning("\(name) is not available: \(error)")
            try? await gracefulShutdown()
        }
    }
}
