import Foundation
import Hummingbird
import NIOCore
import SlipwayCore

/// Per-request state: the request id and, once authenticated, who is calling in which workspace.
public struct SlipwayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    /// Set by dialects whose credentials are not bound to one workspace (a user or an
    /// inference client; which workspaces they may act in is checked per call).
    public var caller: Caller?
    /// The connection, kept to read the peer's address only when a route needs it.
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        caller = nil
        channel = source.channel
    }

    /// The peer's IP address, when the connection has one.
    public var remoteAddress: String? { channel.remoteAddress?.ipAddress }

    /// The id Hummingbird gives the request (also in its log metadata): `x-request-id` and the
    /// `request_id` of error bodies.
    public var requestID: String { id }

    /// An authenticated caller in the workspace named by the route.
    public struct Identity: Sendable {
        public var principal: Principal
        public var workspace: Workspace
    }

    /// The caller, who must hold a user credential.
    public func user() throws -> Identity {
        guard let identity else { throw SlipwayError.unauthorized("authentication required") }
        guard identity.principal.kind == .user else {
            throw SlipwayError.forbidden("this action is not allowed from inside an execution")
        }
        return identity
    }

    /// The caller, who may be a running execution.
    public func userOrExecution() throws -> Identity {
        guard let identity else { throw SlipwayError.unauthorized("authentication required") }
        return identity
    }
}
