import Hummingbird

/// Sends handlers that may block a thread off the event loops.
///
/// Connections placed on their event loop (see `ConnectionPlacement`) run their handlers there.
/// That suits the calls a lone client wants answered fastest, endpoint calls with a JSON body
/// and their results, which only compute and wait. Every other request (step uploads, archive
/// unpacking, data store files, multipart endpoint calls that copy a file) runs its handler on
/// the shared pool, so that a long copy never stalls the other connections of that loop.
struct ExecutorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.staysOnLoop(request) { return try await next(request, context) }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) { try await next(request, context) }
    }

    /// Endpoint calls and result fetches (`/endpoints/…`, `/environments/{name}/endpoints/…`)
    /// without a multipart body, and the health check.
    static func staysOnLoop(_ request: Request) -> Bool {
        // The raw request target (path and query): no URI parsing on every request.
        guard let target = request.head.path else { return false }
        if target == "/health" { return true }
        let isEndpoint: Bool
        if target.hasPrefix("/endpoints/") {
            isEndpoint = true
        } else if target.hasPrefix("/environments/") {
            let rest = target.utf8.dropFirst("/environments/".count)
            isEndpoint = rest.firstIndex(of: UInt8(ascii: "/")).map { rest[$0...].starts(with: "/endpoints/".utf8) } ?? false
        } else {
            isEndpoint = false
        }
        guard isEndpoint else { return false }
        guard let contentType = request.headers[.contentType] else { return true }
        return !contentType.utf8.prefix(10).lazy.map { $0 | 0x20 }.elementsEqual("multipart/".utf8)
    }
}
