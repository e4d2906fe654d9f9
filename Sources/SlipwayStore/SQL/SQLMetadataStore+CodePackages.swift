import Foundation
import SQLKit
import SlipwayCore

/// `CodePackageStore` on SQL (migration 24): one row per package version. A replacing insert
/// locks and deletes the stored row first, in the same transaction, so two uploads of one
/// address never both stay.
extension SQLMetadataStore {
    public func insertCodePackage(_ package: CodePackage, replace: Bool) async throws -> CodePackage? {
        try await sqlTransaction { db in
            let existing = try await db.raw("""
                SELECT * FROM code_packages WHERE workspace_id = \(bind: package.workspaceID) AND kind = \(bind: package.kind.rawValue)
                    AND namespace = \(bind: package.namespace) AND slug = \(bind: package.slug)
                    AND version = \(bind: package.version)\(dialect.lockingRead)
                """).first().map(Self.codePackage(from:))
            if let existing {
                guard replace else {
                    throw SlipwayError.conflict("\(package.address) already exists; versions are immutable unless replaced (force)")
                }
                try await db.raw("DELETE FROM code_packages WHERE id = \(bind: existing.id)").run()
            }
            try await db.raw("""
                INSERT INTO code_packages (id, workspace_id, kind, namespace, slug, version, code_digest, size_bytes,
                    archive_blob, manifest_json, python_version, requirements_path, setup_script_path, status, environment_key, failure_reason, created_by,
                    created_at, updated_at)
                VALUES (\(bind: package.id), \(bind: package.workspaceID), \(bind: package.kind.rawValue),
                    \(bind: package.namespace), \(bind: package.slug), \(bind: package.version), \(bind: package.codeDigest),
                    \(bind: package.sizeBytes), \(bind: package.archiveBlob), \(bind: encodeJSON(package.manifest)),
                    \(bind: package.pythonVersion), \(bind: package.requirementsPath), \(bind: package.setupScriptPath),
                    \(bind: package.status.rawValue), \(bind: package.environmentKey),
                    \(bind: package.failureReason), \(bind: package.createdBy), \(bind: package.createdAt.timeIntervalSince1970),
                    \(bind: package.updatedAt.timeIntervalSince1970))
                """).run()
            return existing
        }
    }

    public func codePackage(id: String) async throws -> CodePackage? {
        try await codePackages(where: "id = \(bind: id)").first
    }

    public func codePackage(workspaceID: String, kind: CodePackage.Kind, namespace: String, slug: String,
                            version: String) async throws -> CodePackage? {
        try await codePackages(where: """
            workspace_id = \(bind: workspaceID) AND kind = \(bind: kind.rawValue) AND namespace = \(bind: namespace)
                AND slug = \(bind: slug) AND version = \(bind: version)
            """).first
    }

    public func codePackages(workspaceID: String, kind: CodePackage.Kind, namespace: String?,
                             slug: String?) async throws -> [CodePackage] {
        var clause: SQLQueryString = "workspace_id = \(bind: workspaceID) AND kind = \(bind: kind.rawValue)"
        if let namespace { clause += " AND namespace = \(bind: namespace)" }
        if let slug { clause += " AND slug = \(bind: slug)" }
        return try await codePackages(where: clause)
    }

    public func updateCodePackageStatus(id: String, from: CreationStatus, to: CreationStatus, environmentKey: String?,
                                        failureReason: String?, at time: Date) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE code_packages SET status = \(bind: to.rawValue), environment_key = \(bind: environmentKey),
                    failure_reason = \(bind: failureReason), updated_at = \(bind: time.timeIntervalSince1970)
                WHERE id = \(bind: id) AND status = \(bind: from.rawValue) RETURNING id
                """).first() != nil
        }
    }

    public func pendingCodePackages() async throws -> [CodePackage] {
        try await codePackages(where: "status = \(bind: CreationStatus.pending.rawValue)")
    }

    public func deleteCodePackage(id: String) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("DELETE FROM code_packages WHERE id = \(bind: id) RETURNING id").first() != nil
        }
    }

    private func codePackages(where clause: SQLQueryString) async throws -> [CodePackage] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM code_packages WHERE \(clause) ORDER BY namespace, slug, created_at, id")
                .all().map(Self.codePackage(from:))
        }
    }

    static func codePackage(from row: any SQLRow) throws -> CodePackage {
        guard let kind = CodePackage.Kind(rawValue: try row.string("kind")),
              let status = CreationStatus(rawValue: try row.string("status"))
        else { throw SlipwayError.internal("stored code package kind or status is invalid") }
        return CodePackage(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), kind: kind,
            namespace: try row.string("namespace"), slug: try row.string("slug"), version: try row.string("version"),
            codeDigest: try row.string("code_digest"), sizeBytes: try row.int("size_bytes"),
            archiveBlob: try row.string("archive_blob"), manifest: try row.json("manifest_json", as: JSONValue.self),
            pythonVersion: try row.optionalString("python_version"), requirementsPath: try row.optionalString("requirements_path"),
            setupScriptPath: try row.optionalString("setup_script_path"), status: status,
            environmentKey: try row.optionalString("environment_key"), failureReason: try row.optionalString("failure_reason"),
            createdAt: try row.date("created_at"), createdBy: try row.string("created_by"), updatedAt: try row.date("updated_at"))
    }
}
