import Foundation
import SQLKit
import SlipwayCore

/// `SharedSettingStore` on SQL (migration 22): one row per setting and per secret, each unique
/// per (workspace, name); a put is one upsert that keeps the row's id and creation time and
/// counts the version. Sealed values are stored as the sealer's base64 text.
extension SQLMetadataStore {
    public func putSharedSetting(_ setting: SharedSetting) async throws -> SharedSetting {
        try await withDatabase { db in
            guard let row = try await db.raw("""
                INSERT INTO shared_settings (id, workspace_id, name, value, version, updated_by, created_at, updated_at)
                VALUES (\(bind: setting.id), \(bind: setting.workspaceID), \(bind: setting.name), \(bind: setting.value),
                    1, \(bind: setting.updatedBy), \(bind: setting.createdAt.timeIntervalSince1970),
                    \(bind: setting.updatedAt.timeIntervalSince1970))
                ON CONFLICT (workspace_id, name) DO UPDATE SET value = excluded.value,
                    version = shared_settings.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                RETURNING *
                """).first() else { throw SlipwayError.internal("the shared setting was not stored") }
            return try Self.sharedSetting(from: row)
        }
    }

    public func sharedSetting(workspaceID: String, name: String) async throws -> SharedSetting? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM shared_settings WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)")
                .first().map(Self.sharedSetting(from:))
        }
    }

    public func sharedSettings(workspaceID: String) async throws -> [SharedSetting] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM shared_settings WHERE workspace_id = \(bind: workspaceID) ORDER BY name")
                .all().map(Self.sharedSetting(from:))
        }
    }

    public func deleteSharedSetting(workspaceID: String, name: String) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                DELETE FROM shared_settings WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name) RETURNING id
                """).first() != nil
        }
    }

    public func putSecret(_ secret: Secret) async throws -> Secret {
        try await withDatabase { db in
            guard let row = try await db.raw("""
                INSERT INTO secrets (id, workspace_id, name, sealed_value, key_id, version, updated_by, created_at, updated_at)
                VALUES (\(bind: secret.id), \(bind: secret.workspaceID), \(bind: secret.name),
                    \(bind: secret.sealedValue.base64EncodedString()), \(bind: secret.keyID), 1, \(bind: secret.updatedBy),
                    \(bind: secret.createdAt.timeIntervalSince1970), \(bind: secret.updatedAt.timeIntervalSince1970))
                ON CONFLICT (workspace_id, name) DO UPDATE SET sealed_value = excluded.sealed_value, key_id = excluded.key_id,
                    version = secrets.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                RETURNING *
                """).first() else { throw SlipwayError.internal("the secret was not stored") }
            return try Self.secret(from: row)
        }
    }

    public func secret(workspaceID: String, name: String) async throws -> Secret? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM secrets WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)")
                .first().map(Self.secret(from:))
        }
    }

    public func secrets(workspaceID: String) async throws -> [Secret] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM secrets WHERE workspace_id = \(bind: workspaceID) ORDER BY name")
                .all().map(Self.secret(from:))
        }
    }

    public func deleteSecret(workspaceID: String, name: String) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                DELETE FROM secrets WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name) RETURNING id
                """).first() != nil
        }
    }

    static func sharedSetting(from row: any SQLRow) throws -> SharedSetting {
        SharedSetting(id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
                      value: try row.string("value"), createdAt: try row.date("created_at"),
                      updatedAt: try row.date("updated_at"), version: try row.int("version"),
                      updatedBy: try row.optionalString("updated_by"))
    }

    static func secret(from row: any SQLRow) throws -> Secret {
        guard let sealed = Data(base64Encoded: try row.string("sealed_value")) else {
            throw SlipwayError.internal("a stored secret's sealed value is not base64")
        }
        return Secret(id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
                      sealedValue: sealed, keyID: try row.string("key_id"), createdAt: try row.date("created_at"),
                      updatedAt: try row.date("updated_at"), version: try row.int("version"),
                      updatedBy: try row.optionalString("updated_by"))
    }
}
