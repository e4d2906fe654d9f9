import Foundation
import Hummingbird
import Logging
import SlipwayCore
import SlipwayRuntime

/// The HTTP side of Slipway: every dialect on the core services, behind one Hummingbird
/// application (health, request placement, errors in each dialect's shape).
public struct HTTPFrontEnd: Sendable {
    /// Every dialect the server speaks; adding one is one line here.
    static let dialectTypes: [any Dialect.Type] = [CraftAIDialect.self, WallarooDialect.self, MLflowDialect.self,
                                                    CORDSDialect.self, ArthurDialect.self, TetraScienceDialect.self,
                                                    WebDialect.self]
    let configuration: ServerConfiguration
    let dialects: [any Dialect]

    /// Keys the dialects sign with, kept by whoever owns the data directory.
    public struct Keys: Sendable {
        public var accessTokens: Data
        public var signedURLs: Data
        /// The RSA private key (PEM) that signs RS256 access tokens (`RSATokenSigner.newPrivateKeyPEM`).
        public var rsaAccessTokens: String
        /// The confidential OAuth client's secret.
        public var clientSecret: String

        public init(accessTokens: Data, signedURLs: Data, rsaAccessTokens: String, clientSecret: String) {
            self.accessTokens = accessTokens
            self.signedURLs = signedURLs
            self.rsaAccessTokens = rsaAccessTokens
            self.clientSecret = clientSecret
        }
    }

    /// The variables every dialect's in-step client library needs in a worker started for `context`.
    public static func workerEnvironment(_ context: WorkerContext, configuration: ServerConfiguration) -> [String: String] {
        dialectTypes.reduce(into: [:]) { variables, dialect in
            variables.merge(dialect.workerEnvironment(context, configuration: configuration)) { _, new in new }
        }
    }

    /// Builds every dialect; `uploads` is the folder for request files and multipart parts.
    public static func make(core: CoreServices, resources: ResourceMonitor, keys: Keys, uploads: URL,
                            configuration: ServerConfiguration) async throws -> HTTPFrontEnd {
        let issuer = await AccessTokenIssuer(secret: keys.accessTokens, lifetime: configuration.accessTokenLifetime)
        let rsaSigner = try await RSATokenSigner(privateKeyPEM: keys.rsaAccessTokens)
        let services = DialectServices(
            core: core, platform: core.platform, accounts: core.accounts, steps: core.steps, pipelines: core.pipelines,
            executions: core.executions, deployments: core.deployments, resources: resources, metrics: core.metrics,
            dataStore: core.dataStore, variables: core.variables, issuer: issuer, rsaSigner: rsaSigner,
            clientSecret: keys.clientSecret, signer: URLSigner(key: keys.signedURLs),
            forms: FormReader(temporaryDirectory: uploads, maxFileBytes: core.platform.limits.maxFileInputBytes),
            uploads: MultipartPartStore(root: uploads), configuration: configuration)
        return HTTPFrontEnd(configuration: configuration, dialects: dialectTypes.map { $0.init(services) })
    }

    /// The router with every dialect, health and error handling.
    public func router() -> Router<SlipwayRequestContext> {
        let router = Router(context: SlipwayRequestContext.self)
        router.add(middleware: ExecutorMiddleware())
        router.add(middleware: ErrorMiddleware(dialects: Self.dialectTypes))
        router.get("health") { _, _ -> Response in
            JSONResponse.make(.object(["status": .string("ok")]))
        }
        for dialect in dialects { dialect.register(on: router) }
        return router
    }

    /// The server on the configured host and port, answering with `router` (a new one when nil).
    public func application(router: Router<SlipwayRequestContext>? = nil, logger: Logger) -> some ApplicationProtocol {
        let placement = ConnectionPlacement(eventLoopConnections: configuration.eventLoopConnections)
        return Application(router: router ?? self.router(), server: .http1(placement: placement),
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: "slipway"),
                           logger: logger)
    }

    /// `router` on `configuration.apiSocketPath` too, for programs in a network namespace of
    /// their own (nil when there is no usable socket path).
    public func socketApplication(router: Router<SlipwayRequestContext>, logger: Logger) -> (some ApplicationProtocol)? {
        guard let path = configuration.apiSocketPath else { return nil as Application<RouterResponder<SlipwayRequestContext>>? }
        return Application(router: router, server: .http1(),
                           configuration: .init(address: .unixDomainSocket(path: path), serverName: "slipway"), logger: logger)
    }
}
