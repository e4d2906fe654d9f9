import Foundation
import Hummingbird
import SlipwayCore

/// The Wallaroo MLOps REST API (`/v1/api/...`, every call a JSON `POST`) and the Keycloak token
/// endpoint its clients sign in at (`/auth/realms/master/...`), both on the Slipway host.
/// Routing, decoding and response shapes only: every rule lives in the core services.
///
/// Route files: `+Auth` (tokens), `+Features`, `+Users`, `+Workspaces`, `+Models`, `+Registries`, `+Connections`, `+Orchestrations`, `+Tasks`, `+Pipelines`
/// (deployments too), `+Inference` (inference and its logs), `+ImportLogs`, `+Assays`; each area adds its own
/// `register…` call to `register(on:)`. Every `/v1/api` route is behind
/// `WallarooBearerAuthenticator`: handlers read the caller with `context.wallarooUser()` (or
/// `context.wallarooCaller()` for routes an inference client may call) and decode bodies with
/// `request.wallarooBody(_:)`.
struct WallarooDialect: Dialect {
    let platform: Platform
    let accounts: AccountService
    let tokens: WallarooTokenIssuer
    let clients: WallarooClients
    let configuration: ServerConfiguration
    let core: CoreServices
    /// Model uploads: files up to the model size limit, streamed to disk.
    let modelForms: FormReader
    /// Orchestration uploads: ZIP archives up to the code package limit, streamed to disk.
    let orchestrationForms: FormReader
    /// Memberships checked in the last second on the inference route (user id | workspace id).
    let members = ExpiringCache<String, Bool>()

    init(_ services: DialectServices) {
        core = services.core
        modelForms = FormReader(temporaryDirectory: services.forms.temporaryDirectory,
                                maxFileBytes: services.platform.limits.maxModelBytes)
        orchestrationForms = FormReader(temporaryDirectory: services.forms.temporaryDirectory,
                                        maxFileBytes: Int64(services.platform.limits.maxCodePackageBytes))
        platform = services.platform
        accounts = services.accounts
        configuration = services.configuration
        tokens = WallarooTokenIssuer(signer: services.rsaSigner, lifetime: services.configuration.accessTokenLifetime,
                                     accounts: services.accounts)
        clients = WallarooClients(secret: services.clientSecret)
    }

    static let pathPrefixes = ["/v1/api", "/auth"]

    /// A task's program gets the API's URL and its run's token (accepted as a bearer token while
    /// the run runs), so that it can call the API of its own workspace as the task's owner.
    static func workerEnvironment(_ context: WorkerContext, configuration: ServerConfiguration) -> [String: String] {
        guard context.jobRunID != nil, let token = context.token else { return [:] }
        return ["WALLAROO_URL": configuration.baseURL, "WALLAROO_TOKEN": token]
    }

    /// Largest JSON body of a control call (users, workspaces).
    static let maxJSONBodyBytes = 1 << 20

    func register(on router: Router<SlipwayRequestContext>) {
        registerAuth(on: router)
        let api = router.group("v1/api").add(middleware: WallarooBearerAuthenticator(tokens: tokens))
        registerFeatures(api)
        registerUsers(api)
        registerWorkspaces(api)
        registerModels(api)
        registerRegistries(api)
        registerConnections(api)
        registerOrchestrations(api)
        registerTasks(api)
        registerPipelines(api)
        registerInference(api)
        registerImportLogs(api)
        registerAssays(api)
        let document = WallarooAPIDocs.document(routes: router.routes.map { ($0.method.rawValue, $0.path.description) })
        let page = WallarooAPIDocs.html(document)
        router.get("v1/api/docs/openapi.json") { _, _ in JSONResponse.make(document) }
        router.get("v1/api/docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }
}
