import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// `SharedSettingStore` and `ConnectionStore` (migration 22), run against every backend:
/// settings and secrets round trip, are unique per (workspace, name), replaced in place (id and
/// creation time kept, version counted), listed by name as bytes, deleted; connections are
/// unique by name, attached once per workspace with an attachment id, detached, listed per
/// workspace, and not deleted while attached.
@Suite("Shared settings, secrets and connections store contract")
struct SharedSettingStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func setting(_ name: String, _ value: String, id: String? = nil, workspace: String = "ws1", offset: Double = 0,
                 by user: String? = "u1") -> SharedSetting {
        SharedSetting(id: id ?? "id-\(workspace)-\(name)-\(offset)", workspaceID: workspace, name: name, value: value,
                      createdAt: t0.addingTimeInterval(offset), updatedBy: user)
    }

    func secret(_ name: String, _ sealed: String, workspace: String = "ws1", offset: Double = 0) -> Secret {
        Secret(id: "id-\(workspace)-\(name)-\(offset)", workspaceID: workspace, name: name, sealedValue: Data(sealed.utf8),
               keyID: "k1", createdAt: t0.addingTimeInterval(offset), updatedBy: "u1")
    }

    func connection(_ id: String, name: String, offset: Double = 0, workspaces: [String] = []) -> Connection {
        Connection(id: id, name: name, type: .other("BIGQUERY"), sealedDetails: "c2VhbGVk-\(id)", keyID: "k1", createdBy: "u1",
                   workspaceIDs: workspaces, createdAt: t0.addingTimeInterval(offset))
    }

    @Test(arguments: StoreBackendKind.available)
    func settingsRoundTripAndAreReplacedInPlace(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = try await store.putSharedSetting(setting("kaggle_username", "alice"))
            #expect(first == setting("kaggle_username", "alice"))
            _ = try await store.putSharedSetting(setting("B", "x"))
            _ = try await store.putSharedSetting(setting("a", "y"))
            _ = try await store.putSharedSetting(setting("kaggle_username", "other-workspace", workspace: "ws2"))
            let replaced = try await store.putSharedSetting(setting("kaggle_username", "bob", offset: 30, by: nil))
            #expect(replaced.id == first.id && replaced.createdAt == t0 && replaced.updatedAt == t0.addingTimeInterval(30))
            #expect(replaced.version == 2 && replaced.value == "bob" && replaced.updatedBy == nil)
            #expect(try await store.sharedSetting(workspaceID: "ws1", name: "kaggle_username") == replaced)
            #expect(try await store.sharedSetting(workspaceID: "ws2", name: "kaggle_username")?.value == "other-workspace")
            #expect(try await store.sharedSetting(workspaceID: "ws1", name: "missing") == nil)
            #expect(try await store.sharedSettings(workspaceID: "ws1").map(\.name) == ["B", "a", "kaggle_username"])
            #expect(try await store.deleteSharedSetting(workspaceID: "ws1", name: "a"))
            #expect(try await store.deleteSharedSetting(workspaceID: "ws1", name: "a") == false)
            #expect(try await store.sharedSettings(workspaceID: "ws1").map(\.name) == ["B", "kaggle_username"])
            #expect(try await store.sharedSettings(workspaceID: "ws2").count == 1)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func secretsRoundTripSealedAndAreReplacedInPlace(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = try await store.putSecret(secret("kaggle_api_key", "sealed-1"))
            #expect(first == secret("kaggle_api_key", "sealed-1"))
            _ = try await store.putSecret(secret("kaggle_api_key", "sealed-other", workspace: "ws2"))
            _ = try await store.putSecret(secret("a.b-c", "sealed-2"))
            var next = secret("kaggle_api_key", "sealed-3", offset: 10)
            next.keyID = "k2"
            next.updatedBy = nil
            let replaced = try await store.putSecret(next)
            #expect(replaced.id == first.id && replaced.createdAt == t0 && replaced.updatedAt == t0.addingTimeInterval(10))
            #expect(replaced.version == 2 && replaced.sealedValue == Data("sealed-3".utf8) && replaced.keyID == "k2")
            #expect(replaced.updatedBy == nil)
            #expect(try await store.secret(workspaceID: "ws1", name: "kaggle_api_key") == replaced)
            #expect(try await store.secret(workspaceID: "ws2", name: "kaggle_api_key")?.sealedValue == Data("sealed-other".utf8))
            #expect(try await store.secrets(workspaceID: "ws1").map(\.name) == ["a.b-c", "kaggle_api_key"])
            #expect(try await store.deleteSecret(workspaceID: "ws1", name: "kaggle_api_key"))
            #expect(try await store.deleteSecret(workspaceID: "ws1", name: "kaggle_api_key") == false)
            #expect(try await store.secret(workspaceID: "ws1", name: "kaggle_api_key") == nil)
            #expect(try await store.secrets(workspaceID: "ws2").count == 1)
            // Settings and secrets have separate names.
            #expect(try await store.sharedSetting(workspaceID: "ws2", name: "kaggle_api_key") == nil)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func connectionsAttachDetachAndAreNotDeletedWhileAttached(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = connection("c1", name: "warehouse")
            try await store.insertConnection(first)
            try await store.insertConnection(connection("c2", name: "lake", offset: 1, workspaces: ["ws2"]))
            await #expect(throws: (any Error).self) { try await store.insertConnection(connection("c3", name: "warehouse")) }
            #expect(try await store.connection(id: "c1") == first)
            #expect(try await store.connection(named: "warehouse") == first)
            #expect(try await store.connection(named: "none") == nil)
            #expect(try await store.connection(id: "c2")?.workspaceIDs == ["ws2"])

            let link = try await store.attachConnection(id: "c1", workspaceID: "ws1", attachmentID: "a1", at: t0.addingTimeInterval(5))
            #expect(link == "a1")
            let again = try await store.attachConnection(id: "c1", workspaceID: "ws1", attachmentID: "a2", at: t0.addingTimeInterval(6))
            #expect(again == "a1")
            _ = try await store.attachConnection(id: "c1", workspaceID: "ws2", attachmentID: "a3", at: t0.addingTimeInterval(7))
            await #expect(throws: (any Error).self) {
                _ = try await store.attachConnection(id: "missing", workspaceID: "ws1", attachmentID: "a4", at: t0)
            }
            let attached = try #require(try await store.connection(id: "c1"))
            #expect(attached.workspaceIDs == ["ws1", "ws2"] && attached.updatedAt == t0.addingTimeInterval(7))
            #expect(try await store.connections(workspaceID: "ws2").map(\.id) == ["c1", "c2"])
            #expect(try await store.connections(workspaceID: "ws1").map(\.id) == ["c1"])
            #expect(try await store.connections(workspaceID: "ws3").isEmpty)

            #expect(try await store.deleteConnection(id: "c1") == false, "attached: not deleted")
            #expect(try await store.connection(id: "c1") != nil)
            #expect(try await store.detachConnection(id: "c1", workspaceID: "ws1", at: t0.addingTimeInterval(8)))
            #expect(try await store.detachConnection(id: "c1", workspaceID: "ws1", at: t0.addingTimeInterval(8)) == false)
            #expect(try await store.detachConnection(id: "c1", workspaceID: "ws2", at: t0.addingTimeInterval(9)))
            #expect(try await store.connection(id: "c1")?.workspaceIDs == [])
            #expect(try await store.deleteConnection(id: "c1"))
            #expect(try await store.deleteConnection(id: "c1") == false)
            #expect(try await store.connection(named: "warehouse") == nil)
            // The name is free again.
            try await store.insertConnection(connection("c4", name: "warehouse", offset: 10))
            #expect(try await store.connection(named: "warehouse")?.id == "c4")
        }
    }
}
