import Foundation

/// Who makes a call that is not bound to one workspace by its credential: a signed-in user
/// (their workspaces are the ones they are a member of), or an inference client, a machine
/// credential with no user behind it that may only run inferences. (Indirect: request contexts
/// carry it, and stay small.)
public indirect enum Caller: Sendable, Equatable {
    case user(User, sessionID: String?)
    case inferenceClient(clientID: String)

    /// The user behind the call; an inference client is refused (403): it may only run inferences.
    public func requireUser() throws(SlipwayError) -> User {
        switch self {
        case .user(let user, _): return user
        case .inferenceClient:
            throw .forbidden("this token was issued to a client without a user: it may only be used for inference")
        }
    }

    /// The user behind the call, if any.
    public var user: User? {
        if case .user(let user, _) = self { return user }
        return nil
    }
}
