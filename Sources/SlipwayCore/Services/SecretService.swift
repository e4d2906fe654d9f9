import Foundation

/// The secrets of each workspace: set (create or replace), read as metadata, list, delete,
/// and — only for the execution or task of the same workspace that needs it — resolve to the
/// clear value. Values are sealed before they reach the store (bound to the workspace and
/// name); no message, description or log line of this service carries a value.
public struct SecretService: Sendable {
    let store: any SharedSettingStore
    let sealer: SecretSealer
    let now: @Sendable () -> Date

    public init(store: any SharedSettingStore, sealer: SecretSealer, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.sealer = sealer
        self.now = now
    }

    public init(platform: Platform) {
        self.init(store: platform.store, sealer: platform.sealer, now: platform.now)
    }

    /// Creates the secret, or replaces the value of the one of that name (its version counts
    /// the replacement). `userID` is who set it (nil for an administration command).
    @discardableResult
    public func set(name: String, value: String, workspaceID: String, by userID: String?) async throws -> Secret {
        try Secret.validateName(name)
        try Secret.validateValue(value, name: name)
        let sealed = try sealer.seal(value, boundTo: Secret.sealingContext(workspaceID: workspaceID, name: name))
        guard let bytes = Data(base64Encoded: sealed) else { throw SlipwayError.internal("could not seal secret '\(name)'") }
        let time = now()
        return try await store.putSecret(Secret(
            id: UUID().uuidString.lowercased(), workspaceID: workspaceID, name: name, sealedValue: bytes,
            keyID: sealer.keyID, createdAt: time, updatedAt: time, updatedBy: userID))
    }

    /// The secret's metadata (never its value); not found for an unknown or invalid name.
    public func secret(named name: String, workspaceID: String) async throws -> Secret {
        guard (try? Secret.validateName(name)) != nil,
              let secret = try await store.secret(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("secret", NameRules.printable(name))
        }
        return secret
    }

    /// The workspace's secrets, by name.
    public func list(workspaceID: String) async throws -> [Secret] {
        try await store.secrets(workspaceID: workspaceID)
    }

    /// Deletes the secret; not found when there is none.
    public func delete(name: String, workspaceID: String) async throws {
        guard (try? Secret.validateName(name)) != nil,
              try await store.deleteSecret(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("secret", NameRules.printable(name))
        }
    }

    /// The clear value of the workspace's secret `name`, for the execution or task of that
    /// workspace that needs it: the one call that opens a secret. Callers pass it on to that
    /// code only, and never log, return or record it (record ``Secret/reference`` instead).
    public func resolve(name: String, workspaceID: String) async throws -> String {
        let secret = try await secret(named: name, workspaceID: workspaceID)
        guard secret.keyID == sealer.keyID,
              let value = sealer.open(secret.sealedValue.base64EncodedString(),
                                      boundTo: Secret.sealingContext(workspaceID: workspaceID, name: secret.name)) else {
            throw SlipwayError.internal("secret '\(secret.name)' cannot be unsealed with this server's key")
        }
        return value
    }

    /// `json` with every ``SecretReference`` replaced by the workspace's secret value (the
    /// same rule as ``resolve(name:workspaceID:)``: for the code that needs the values only).
    public func resolveReferences(in json: JSONValue, workspaceID: String) async throws -> JSONValue {
        var values: [String: String] = [:]
        for reference in try SecretReference.references(in: json) {
            values[reference.name] = try await resolve(name: reference.name, workspaceID: workspaceID)
        }
        return Self.replacingReferences(in: json, with: values)
    }

    private static func replacingReferences(in json: JSONValue, with values: [String: String]) -> JSONValue {
        if let reference = SecretReference(json: json), let value = values[reference.name] { return .string(value) }
        switch json {
        case .object(let object): return .object(object.mapValues { replacingReferences(in: $0, with: values) })
        case .array(let items): return .array(items.map { replacingReferences(in: $0, with: values) })
        case .null, .bool, .number, .string: return json
        }
    }
}
