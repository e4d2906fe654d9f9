import Foundation
import Hummingbird
import Logging
import SlipwayCore

/// One external API spoken on the core: its routes (with their own authentication), the shape
/// of its errors, and what its in-step client library needs in a worker's environment. A dialect
/// only translates: every rule it relies on is a core service call.
///
/// Adding a dialect is a folder with a type conforming to this and one line in
/// `HTTPFrontEnd.dialectTypes`.
protocol Dialect: Sendable {
    /// Builds the dialect on the core services.
    init(_ services: DialectServices)

    /// Path prefixes the dialect owns (`/api/v1`): errors on them, unmatched routes included,
    /// are rendered in the dialect's shape.
    static var pathPrefixes: [String] { get }

    /// Variables the dialect's client library reads inside a worker started for `context`.
    static func workerEnvironment(_ context: WorkerContext, configuration: ServerConfiguration) -> [String: String]

    /// The dialect's answer for an error raised while handling `request`.
    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response

    /// Registers the dialect's routes.
    func register(on router: Router<SlipwayRequestContext>)
}

extension Dialect {
    static func workerEnvironment(_ context: WorkerContext, configuration: ServerConfiguration) -> [String: String] {
        [:]
    }

    /// Whether `path` is under one of the dialect's prefixes (whole path components only).
    /// Doubled slashes count as one, as they do for routing (`//v1/api//users/query`).
    static func owns(path: Substring) -> Bool {
        let path = path.contains("//") ? Substring(collapsingSlashes(path)) : path
        return pathPrefixes.contains { prefix in
            path.hasPrefix(prefix) && (path.count == prefix.count || path.dropFirst(prefix.count).first == "/")
        }
    }

    private static func collapsingSlashes(_ path: Substring) -> String {
        var text = ""
        for character in path where !(character == "/" && text.hasSuffix("/")) { text.append(character) }
        return text
    }
}
