import Foundation
@testable import SlipwayCore

/// `CodePackageStore` in memory, as the SQL store does it: an address is unique, a replacing
/// insert removes the stored version, lists are ordered by namespace, slug and creation.
extension InMemoryMetadataStore {
    func insertCodePackage(_ package: CodePackage, replace: Bool) async throws -> CodePackage? {
        try write { state in
            let index = state.codePackages.firstIndex {
                $0.workspaceID == package.workspaceID && $0.kind == package.kind && $0.namespace == package.namespace
                    && $0.slug == package.slug && $0.version == package.version
            }
            var replaced: CodePackage?
            if let index {
                guard replace else {
                    throw SlipwayError.conflict("\(package.address) already exists; versions are immutable unless replaced (force)")
                }
                replaced = state.codePackages.remove(at: index)
            }
            guard !state.codePackages.contains(where: { $0.id == package.id }) else { throw Self.duplicate("code_packages.id") }
            state.codePackages.append(package)
            return replaced
        }
    }

    func codePackage(id: String) async throws -> CodePackage? {
        read { $0.codePackages.first { $0.id == id } }
    }

    func codePackage(workspaceID: String, kind: CodePackage.Kind, namespace: String, slug: String,
                     version: String) async throws -> CodePackage? {
        read { state in
            state.codePackages.first {
                $0.workspaceID == workspaceID && $0.kind == kind && $0.namespace == namespace && $0.slug == slug && $0.version == version
            }
        }
    }

    func codePackages(workspaceID: String, kind: CodePackage.Kind, namespace: String?, slug: String?) async throws -> [CodePackage] {
        read { state in
            state.codePackages.filter {
                $0.workspaceID == workspaceID && $0.kind == kind && (namespace == nil || $0.namespace == namespace)
                    && (slug == nil || $0.slug == slug)
            }.sorted(by: Self.packageOrder)
        }
    }

    func updateCodePackageStatus(id: String, from: CreationStatus, to: CreationStatus, environmentKey: String?,
                                 failureReason: String?, at time: Date) async throws -> Bool {
        try write { state in
            guard let index = state.codePackages.firstIndex(where: { $0.id == id && $0.status == from }) else { return false }
            state.codePackages[index].status = to
            state.codePackages[index].environmentKey = environmentKey
            state.codePackages[index].failureReason = failureReason
            state.codePackages[index].updatedAt = time
            return true
        }
    }

    func pendingCodePackages() async throws -> [CodePackage] {
        read { $0.codePackages.filter { $0.status == .pending }.sorted(by: Self.packageOrder) }
    }

    func deleteCodePackage(id: String) async throws -> Bool {
        try write { state in
            let before = state.codePackages.count
            state.codePackages.removeAll { $0.id == id }
            return state.codePackages.count < before
        }
    }

    private static func packageOrder(_ a: CodePackage, _ b: CodePackage) -> Bool {
        if a.namespace != b.namespace { return precedes(a.namespace, b.namespace) }
        if a.slug != b.slug { return precedes(a.slug, b.slug) }
        if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
        return precedes(a.id, b.id)
    }
}
