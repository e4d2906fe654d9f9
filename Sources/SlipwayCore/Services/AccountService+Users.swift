import Foundation

extension AccountService {
    /// Every user by creation time, or only those with the given ids (unknown ids are skipped).
    public func users(ids: [String]? = nil) async throws -> [User] {
        let all = try await store.listUsers()
        guard let ids else { return all }
        let wanted = Set(ids)
        return all.filter { wanted.contains($0.id) }
    }

    /// Adds a user known by their email (an administrator's call). Their Slipway name is made
    /// from the email (`john.doe@example.com` → `john-doe-example-com`, numbered on a clash).
    /// Without a password they get a random one that is never shown: an administrator sets a
    /// real one later. No workspace is joined.
    public func invite(email: String, password: String?, by caller: User) async throws -> User {
        try Self.requireAdministrator(caller, to: "invite users")
        try Self.validateEmail(email)
        guard try await store.user(email: email) == nil else {
            throw SlipwayError.conflict("a user with email '\(NameRules.printable(email))' already exists")
        }
        let name = try await freeUserName(derivedFrom: email)
        return try await createUser(name: name, email: email, workspaceID: nil,
                                    password: password ?? SecretTokens.make(prefix: "", bytes: 24))
    }

    /// Enables or disables the user with this email (an administrator's call). A disabled user
    /// cannot sign in, refresh a session or exchange a long-lived token; administrators cannot
    /// disable themselves.
    @discardableResult
    public func setEnabled(email: String, enabled: Bool, by caller: User) async throws -> User {
        try Self.requireAdministrator(caller, to: enabled ? "activate users" : "deactivate users")
        guard let user = try await store.user(email: email) else {
            throw SlipwayError.notFound("user with email", NameRules.printable(email))
        }
        if !enabled, user.id == caller.id { throw SlipwayError.badRequest("you cannot deactivate yourself") }
        _ = try await store.setUserEnabled(id: user.id, enabled: enabled)
        var changed = user
        changed.isEnabled = enabled
        return changed
    }

    static func requireAdministrator(_ user: User, to action: String) throws(SlipwayError) {
        guard user.isAdministrator else { throw .forbidden("only administrators may \(action)") }
    }

    /// A user name following the resource rule, made from an email and not yet taken.
    func freeUserName(derivedFrom email: String) async throws -> String {
        var base = ""
        for scalar in email.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                base.unicodeScalars.append(scalar)
            } else if !base.isEmpty, !base.hasSuffix("-") {
                base += "-"
            }
        }
        base = String(base.prefix(56))
        while base.hasSuffix("-") { base.removeLast() }
        if base.isEmpty { base = "user" }
        if try await store.user(named: base) == nil { return base }
        for number in 2...1000 where try await store.user(named: "\(base)-\(number)") == nil {
            return "\(base)-\(number)"
        }
        return "user-\(SecretTokens.shortID(length: 12))"
    }
}
