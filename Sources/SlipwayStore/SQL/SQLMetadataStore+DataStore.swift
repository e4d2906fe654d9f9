import Foundation
import SQLKit
import SlipwayCore

/// `DataStoreIndex` on SQL.
extension SQLMetadataStore {
    public func putObject(_ object: DataObject) async throws -> String? {
        try await sqlTransaction { db in
            let previous = try await db.raw("""
                SELECT blob FROM data_objects WHERE workspace_id = \(bind: object.workspaceID) AND path = \(bind: object.path)
                \(dialect.lockingRead)
                """).first()?.string("blob")
            try await db.raw("""
                INSERT INTO data_objects (workspace_id, path, size, blob, etag, last_modified, attributes_json)
                VALUES (\(bind: object.workspaceID), \(bind: object.path), \(bind: object.size), \(bind: object.blob),
                    \(bind: object.etag), \(bind: object.lastModified.timeIntervalSince1970), \(bind: Self.attributesJSON(object.attributes)))
                ON CONFLICT (workspace_id, path) DO UPDATE SET size = excluded.size, blob = excluded.blob,
                    etag = excluded.etag, last_modified = excluded.last_modified, attributes_json = excluded.attributes_json
                """).run()
            return previous
        }
    }

    public func object(workspaceID: String, path: String) async throws -> DataObject? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM data_objects WHERE workspace_id = \(bind: workspaceID) AND path = \(bind: path)")
                .first().map(Self.object(from:))
        }
    }

    public func listObjects(workspaceID: String, prefix: String, after: String?, limit: Int) async throws -> [DataObject] {
        try await withDatabase { db in
            // Range scan on the primary key: prefix <= path < prefix + U+10FFFF, in byte order (the
            // PostgreSQL column is collated "C" for that).
            let upper = prefix + "\u{10FFFF}"
            let start = max(after ?? "", prefix)
            let inclusive = after == nil
            // A negative limit means no rows on every backend (SQLite alone would read it as "all").
            return try await db.raw("""
                SELECT * FROM data_objects WHERE workspace_id = \(bind: workspaceID)
                  AND (path > \(bind: start) OR (\(bind: inclusive ? 1 : 0) = 1 AND path = \(bind: start)))
                  AND path < \(bind: upper)
                ORDER BY path LIMIT \(bind: max(limit, 0))
                """).all().map(Self.object(from:))
        }
    }

    static func object(from row: any SQLRow) throws -> DataObject {
        DataObject(workspaceID: try row.string("workspace_id"), path: try row.string("path"),
                   size: Int64(try row.int("size")), blob: try row.string("blob"), etag: try row.string("etag"),
                   lastModified: try row.date("last_modified"),
                   attributes: try row.optionalJSON("attributes_json", as: FileAttributes.self) ?? FileAttributes())
    }

    /// Objects without attributes store NULL (most of them).
    static func attributesJSON(_ attributes: FileAttributes) -> String? {
        attributes.isEmpty ? nil : encodeJSON(attributes)
    }

    public func updateObjectAttributes(workspaceID: String, path: String, etag: String, _ attributes: FileAttributes) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE data_objects SET attributes_json = \(bind: Self.attributesJSON(attributes))
                WHERE workspace_id = \(bind: workspaceID) AND path = \(bind: path) AND etag = \(bind: etag) RETURNING path
                """).first() != nil
        }
    }

    public func deleteObject(workspaceID: String, path: String) async throws -> String? {
        try await sqlTransaction { db in
            let blob = try await db.raw("""
                SELECT blob FROM data_objects WHERE workspace_id = \(bind: workspaceID) AND path = \(bind: path)
                \(dialect.lockingRead)
                """).first()?.string("blob")
            if blob != nil {
                try await db.raw("DELETE FROM data_objects WHERE workspace_id = \(bind: workspaceID) AND path = \(bind: path)").run()
            }
            return blob
        }
    }

    public func createMultipartUpload(_ upload: MultipartUpload) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO multipart_uploads (id, workspace_id, path, created_at)
                VALUES (\(bind: upload.id), \(bind: upload.workspaceID), \(bind: upload.path), \(bind: upload.createdAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func multipartUpload(id: String) async throws -> MultipartUpload? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM multipart_uploads WHERE id = \(bind: id)").first().map { row in
                MultipartUpload(id: try row.string("id"), workspaceID: try row.string("workspace_id"),
                                path: try row.string("path"), createdAt: try row.date("created_at"))
            }
        }
    }

    public func deleteMultipartUpload(id: String) async throws {
        try await withDatabase { db in try await db.raw("DELETE FROM multipart_uploads WHERE id = \(bind: id)").run() }
    }

    public func setVariables(workspaceID: String, _ variables: [EnvironmentVariable]) async throws {
        try await sqlTransaction { db in
            for variable in variables {
                try await db.raw("""
                    INSERT INTO environment_variables (workspace_id, name, value, updated_at)
                    VALUES (\(bind: workspaceID), \(bind: variable.name), \(bind: variable.value), \(bind: Date().timeIntervalSince1970))
                    ON CONFLICT (workspace_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """).run()
            }
        }
    }

    public func variables(workspaceID: String) async throws -> [EnvironmentVariable] {
        try await withDatabase { db in
            try await db.raw("SELECT name, value FROM environment_variables WHERE workspace_id = \(bind: workspaceID) ORDER BY name")
                .all().map { EnvironmentVariable(name: try $0.string("name"), value: try $0.string("value")) }
        }
    }

    public func deleteVariable(workspaceID: String, name: String) async throws -> EnvironmentVariable? {
        try await sqlTransaction { db in
            guard let row = try await db.raw("""
                SELECT name, value FROM environment_variables WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)
                \(dialect.lockingRead)
                """).first() else { return nil }
            try await db.raw("DELETE FROM environment_variables WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)")
                .run()
            return EnvironmentVariable(name: try row.string("name"), value: try row.string("value"))
        }
    }
}
