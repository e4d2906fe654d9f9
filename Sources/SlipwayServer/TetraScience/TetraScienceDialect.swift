import Foundation
import Hummingbird
import SlipwayCore

/// The TetraScience Data Platform API on the core, at the same `api_url` (`…/v1`) and with the
/// same credentials as `ts-sdk put`: `ts-auth-token` (or `x-api-key`, or a bearer token) holding
/// a Slipway SDK token, and `x-org-slug` naming the workspace (`TetraScienceAuthenticator`).
///
/// Route files: `+SharedSettings` (`/v1/sharedsettings` and `/v1/secrets`), `+Artifacts`
/// (`/v1/artifact/…`: task scripts, protocols, IDS and their builds); errors in
/// `+Errors`; `+Pipelines` (`/v1/pipeline/…`, `/v1/workflow/…`: protocols run on file arrival,
/// by `TetraProtocolEngine`), `+TaskRuntime` (`/v1/task-runtime/…`, `/v1/fileinfo/…`: what a
/// running task script's context calls); the route table in `TetraScienceAPIDocs`, served at `/v1/tetrascience/docs`.
struct TetraScienceDialect: Dialect {
    let core: CoreServices
    let accounts: AccountService
    /// Where uploaded archives are written before they are unpacked.
    let uploads: URL
    let signer: URLSigner
    /// The server's own URL, as task scripts reach it.
    let apiURL: String
    let apiSocket: String?
    let stepRuns = TetraStepRuns()

    init(_ services: DialectServices) {
        core = services.core
        accounts = services.accounts
        uploads = services.forms.temporaryDirectory
        signer = services.signer
        apiURL = services.configuration.baseURL
        apiSocket = services.configuration.apiSocketPath
    }

    static let pathPrefixes = ["/v1/sharedsettings", "/v1/secrets", "/v1/artifact", "/v1/tetrascience", "/v1/pipeline", "/v1/workflow",
                               "/v1/task-runtime", "/v1/fileinfo", "/v1/datalake"]

    /// Largest JSON body of a settings or secrets call (a value is at most 32 KiB).
    static let maxJSONBodyBytes = 64 * 1024

    func register(on router: Router<SlipwayRequestContext>) {
        let api = router.group("v1").add(middleware: TetraScienceAuthenticator(accounts: accounts))
        registerSharedSettings(api)
        registerArtifacts(api)
        registerPipelines(api)
        registerTaskRuntime(on: router)
        core.fileWorkflows.register(TetraProtocolEngine(core: core, runs: stepRuns, apiURL: apiURL, apiSocket: apiSocket), for: .workflow)
        let document = TetraScienceAPIDocs.document(routes: router.routes.map { ($0.method.rawValue, $0.path.description) })
        router.get("v1/tetrascience/docs/openapi.json") { _, _ in JSONResponse.make(document) }
        router.get("v1/tetrascience/docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: TetraScienceAPIDocs.html(document))))
        }
    }
}
