import Foundation
import Hummingbird
import SlipwayCore

/// The CORDS ML resource API: a catalog of ML assets (models, data sets, federated trainings)
/// with semantic descriptions, MLflow metadata import, data-space connectors and IDS resource
/// descriptions, under `/api/<area>/…` as the CORDS resource manager serves them, and its API
/// document at `/docs`.
///
/// Users are Slipway users. `users/register` (open unless the server turns it off) creates the
/// user and a workspace of their own; `users/get-auth-token` trades HTTP Basic email:password
/// for a bearer token (a Slipway user token) acting in the user's home workspace (the first
/// they own) or the one named by `?workspace=`. Every other route needs that token
/// (`CORDSAuthenticator`). Assets, connectors and resources are created in the token's
/// workspace and seen by members of their workspace only. Errors are
/// `{"code": <status>, "error": "<reason>", "message": "…"}` (`+Errors`).
struct CORDSDialect: Dialect {
    let core: CoreServices
    let catalog: AssetCatalogService
    let accounts: AccountService
    let configuration: ServerConfiguration

    init(_ services: DialectServices) {
        core = services.core
        catalog = services.core.catalog
        accounts = services.accounts
        configuration = services.configuration
    }

    /// The `/api` folders the dialect owns (none clashes with `/api/v1`, `/api/2.0`, `/api/3.0`).
    static let areas = ["users", "ml_models", "datasets", "fl_trainings", "ml_assets", "semantics", "ml_flow",
                        "dataspace_connector", "dataspace_resource"]
    static let pathPrefixes = areas.map { "/api/" + $0 } + ["/docs"]

    /// Largest JSON body of a call.
    static let maxJSONBodyBytes = 1 << 20

    func register(on router: Router<SlipwayRequestContext>) {
        registerUsers(router.group("api/users"))
        let api = router.group("api").add(middleware: CORDSAuthenticator(accounts: accounts))
        registerAssets(api)
        registerSemantics(api)
        registerDataspace(api)
        let document = CORDSAPIDocs.document(routes: router.routes.map { ($0.method.rawValue, $0.path.description) })
        let page = CORDSAPIDocs.html(document)
        router.get("docs/openapi.json") { _, _ in JSONResponse.make(document) }
        router.get("docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }
}
