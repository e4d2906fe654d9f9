import Foundation
import SlipwayCore
import SlipwayRuntime

/// The core services and server helpers a dialect is built on, wired once by `HTTPFrontEnd`.
struct DialectServices: Sendable {
    /// Every core service (the fields below name the ones the first dialect was written against).
    let core: CoreServices
    let platform: Platform
    let accounts: AccountService
    let steps: StepService
    let pipelines: PipelineService
    let executions: ExecutionService
    let deployments: DeploymentService
    let resources: ResourceMonitor
    let metrics: MetricService
    let dataStore: DataStoreService
    let variables: VariableService
    let issuer: AccessTokenIssuer
    /// Signs OpenID Connect style (RS256) access tokens.
    let rsaSigner: RSATokenSigner
    /// The secret of the confidential OAuth client (`<data-dir>/client-secret` or `SLIPWAY_CLIENT_SECRET`).
    let clientSecret: String
    let signer: URLSigner
    let forms: FormReader
    let uploads: MultipartPartStore
    let configuration: ServerConfiguration
}
