import Foundation
import SlipwayCore
import SlipwayStore

/// Everything `slipway serve` can be told.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: URL
    /// The metadata database (`--database`): by default the SQLite file in the data directory.
    public var database: StoreLocation
    /// The URL clients use to reach this server (presigned URLs, in-step SDK); derived from
    /// host and port when not set.
    public var publicURL: String?
    public var limits: Limits
    /// Used as the admin SDK token on first start (`SLIPWAY_ADMIN_TOKEN`).
    public var adminToken: String?
    /// The administrator's password on first start (`SLIPWAY_ADMIN_PASSWORD`); generated when nil.
    public var adminPassword: String?
    /// The confidential OAuth client's secret (`SLIPWAY_CLIENT_SECRET`); kept in the data
    /// directory when nil.
    public var clientSecret: String?
    public var accessTokenLifetime: TimeInterval
    /// How passwords are hashed (the standard scrypt cost; tests lower it).
    public var passwordHasher: PasswordHasher
    /// Open HTTP connections up to which a new one is served entirely on its event loop (lowest
    /// latency); further ones run their handlers on the shared pool (see `ConnectionPlacement`).
    public var eventLoopConnections: Int
    /// Whether anyone may create an account through the catalog API's `users/register` (`--no-open-registration`).
    public var openRegistration = true
    /// How often the scheduler analyses the windows of active assays that have closed, in seconds.
    public var assayInterval: TimeInterval = PeriodicScheduler.defaultAssayInterval
    /// How often bound capture folders are scanned for files not yet ingested, in seconds.
    public var captureInterval: TimeInterval = PeriodicScheduler.defaultCaptureInterval
    /// How long inference records are kept in a workspace without a retention of its own
    /// (`--inference-retention-days`; for ever by default).
    public var inferenceRetention: InferenceRetention = .forever
    /// How often the retention pass deletes expired inference records, in seconds.
    public var retentionInterval: TimeInterval = InferenceRetentionService.defaultInterval

    /// Two per event loop thread (one per core): a handful of callers get the short path, a
    /// crowd spreads over every core.
    public static var defaultEventLoopConnections: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDirectory: URL,
                database: StoreLocation = .sqlite(path: nil), publicURL: String? = nil,
                limits: Limits = Limits(), adminToken: String? = nil, adminPassword: String? = nil,
                clientSecret: String? = nil, accessTokenLifetime: TimeInterval = 3600,
                passwordHasher: PasswordHasher = .standard,
                eventLoopConnections: Int = ServerConfiguration.defaultEventLoopConnections) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.database = database
        self.publicURL = publicURL
        self.limits = limits
        self.adminToken = adminToken
        self.adminPassword = adminPassword
        self.clientSecret = clientSecret
        self.accessTokenLifetime = accessTokenLifetime
        self.passwordHasher = passwordHasher
        self.eventLoopConnections = max(0, eventLoopConnections)
    }

    public var baseURL: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "http://\(shownHost.contains(":") ? "[\(shownHost)]" : shownHost):\(port)"
    }

    /// The Unix socket the same API is also served on, for workflow steps cut off from the
    /// network (`<data dir>/api.sock`); nil when that path is too long for a socket address.
    public var apiSocketPath: String? {
        let path = dataDirectory.appendingPathComponent("api.sock").path
        return path.utf8.count < 104 ? path : nil
    }

    public func environmentURL(workspace: String) -> String {
        workspace == AccountService.defaultWorkspaceName ? baseURL : "\(baseURL)/environments/\(workspace)"
    }
}
