import Foundation

/// Where the catalog reads tracked runs from: this server's own tracking (`local`, nil while
/// the server has none) and, for a tracking server an asset names by URL, a reader made for it
/// (`remote`, built outside the core since it does network I/O).
public struct TrackedRunSources: Sendable {
    public var local: (any TrackedRunReading)?
    public var remote: (@Sendable (URL) -> any TrackedRunReading)?

    public init(local: (any TrackedRunReading)?, remote: (@Sendable (URL) -> any TrackedRunReading)?) {
        self.local = local
        self.remote = remote
    }

    public static let none = TrackedRunSources(local: nil, remote: nil)

    /// The reader for a tracking URI (nil: this server's own tracking).
    public func reader(trackingURI: String?) throws(SlipwayError) -> any TrackedRunReading {
        if let trackingURI {
            let url = try Self.validatedURL(trackingURI)
            guard let remote else { throw .notImplemented("this server cannot read remote tracking servers") }
            return remote(url)
        }
        guard let local else { throw SlipwayError(.unavailable, "this server has no tracking store to read runs from") }
        return local
    }

    /// An `http` or `https` URL with a host and no credentials in it (they would be stored in clear).
    public static func validatedURL(_ text: String) throws(SlipwayError) -> URL {
        try NameRules.httpURL(text, what: "the tracking URI")
    }
}
