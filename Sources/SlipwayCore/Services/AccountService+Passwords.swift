import Foundation

extension AccountService {
    /// What `ensureAdminPassword` did.
    public enum AdminPasswordOutcome: Sendable, Equatable {
        /// The administrator already had a password: nothing changed.
        case unchanged
        /// The chosen password was set.
        case setChosen
        /// A password was generated and set; it is returned this once.
        case generated(String)
    }

    /// Gives the built-in administrator a password if they have none (first start, or the first
    /// start of a data directory made before passwords existed): `chosen` when given, else a
    /// generated one.
    public func ensureAdminPassword(chosen: String?) async throws -> AdminPasswordOutcome {
        guard let admin = try await store.user(named: Self.adminUserName),
              try await store.passwordHash(userID: admin.id) == nil else { return .unchanged }
        if let chosen {
            try await setPassword(userID: admin.id, to: chosen)
            return .setChosen
        }
        let generated = SecretTokens.make(prefix: "", bytes: 18)
        try await setPassword(userID: admin.id, to: generated)
        return .generated(generated)
    }

    /// Replaces a user's password.
    public func setPassword(userID: String, to password: String) async throws {
        try Self.validatePassword(password)
        guard try await store.user(id: userID) != nil else { throw SlipwayError.notFound("user", userID) }
        try await store.setPasswordHash(userID: userID, hash: try passwords.hash(password))
    }

    /// 1 to `PasswordHasher.maxPasswordBytes` bytes, no control characters. (No strength
    /// policy: that is the deployment's choice.)
    static func validatePassword(_ password: String) throws(SlipwayError) {
        guard !password.isEmpty, password.utf8.count <= PasswordHasher.maxPasswordBytes else {
            throw .badRequest("a password must be 1 to \(PasswordHasher.maxPasswordBytes) bytes")
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("a password must not contain control characters")
        }
    }
}
