import Foundation

/// Versioned code packages, unique per (workspace, kind, namespace, slug, version).
public protocol CodePackageStore: Sendable {
    /// Stores the package. When its address is taken: refused with a conflict unless `replace`,
    /// in which case the stored package is removed in the same transaction and returned.
    func insertCodePackage(_ package: CodePackage, replace: Bool) async throws -> CodePackage?
    func codePackage(id: String) async throws -> CodePackage?
    func codePackage(workspaceID: String, kind: CodePackage.Kind, namespace: String, slug: String,
                     version: String) async throws -> CodePackage?
    /// The workspace's packages of `kind`, optionally of one namespace and slug, ordered by
    /// namespace, slug, then creation (oldest first).
    func codePackages(workspaceID: String, kind: CodePackage.Kind, namespace: String?, slug: String?) async throws -> [CodePackage]
    /// Moves a package from `from` to `to` (compare-and-set); false when it was not in `from`.
    func updateCodePackageStatus(id: String, from: CreationStatus, to: CreationStatus, environmentKey: String?,
                                 failureReason: String?, at time: Date) async throws -> Bool
    /// Packages whose build has not finished (to resume after a restart).
    func pendingCodePackages() async throws -> [CodePackage]
    /// Removes the package; false when there was none.
    func deleteCodePackage(id: String) async throws -> Bool
}
