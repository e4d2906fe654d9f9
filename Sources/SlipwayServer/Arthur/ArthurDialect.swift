import Foundation
import Hummingbird
import SlipwayCore

/// The Arthur v3 REST API (what the `arthurai` SDK, `arthur-client` and SageMaker Data Capture
/// relays call) at `/api/v3`, on the core's monitored models (`MonitoringService`).
///
/// - Credentials: `Authorization: <key>` with no scheme, the key being a Slipway SDK token (a
///   user's, or an ingestion-only key from `slipway token create --scope ingest`). An
///   organisation is a workspace: `Arthur-Organization-ID` names it by id (or name); without
///   it, the key's own workspace. (`ArthurAuthenticator`.)
/// - Models: create (`201`, then `Ready` at once), get by id or partner model id, list, delete.
/// - Inferences: streaming JSON (`207` with per-record results), ground truth, files (Parquet
///   or a JSON array), batches, reference data, SageMaker Data Capture files, queries and drift.
/// - Errors: `{"code": <status>, "message": "…", "request_id"}` (`+Errors`).
/// - Slipway's extension, not part of Arthur's API: `models/{id}/capture_bindings` binds a
///   data-store folder to the model so that capture files written there are ingested without
///   a Lambda (`+CaptureBindings`).
struct ArthurDialect: Dialect {
    let core: CoreServices
    let monitoring: MonitoringService
    let accounts: AccountService
    let limits: Limits
    let forms: FormReader

    init(_ services: DialectServices) {
        core = services.core
        monitoring = services.core.monitoring
        accounts = services.accounts
        limits = services.platform.limits
        forms = FormReader(temporaryDirectory: services.forms.temporaryDirectory,
                           maxFileBytes: Int64(services.platform.limits.maxMonitoringFileBytes))
    }

    static let pathPrefixes = ["/api/v3"]

    /// Largest JSON body of a call that is not a batch of inferences.
    static let maxJSONBodyBytes = 4 << 20

    func register(on router: Router<SlipwayRequestContext>) {
        let api = router.group("api/v3").add(middleware: ArthurAuthenticator(accounts: accounts))
        registerUsers(api)
        registerModels(api)
        registerInferences(api)
        registerFiles(api)
        registerQueries(api)
        registerCaptureBindings(api)
    }
}
