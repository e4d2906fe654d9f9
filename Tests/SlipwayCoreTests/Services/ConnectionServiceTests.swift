import Foundation
import Testing

@testable import SlipwayCore

/// Connections: created unattached, attached and detached, visible only to their creator,
/// administrators and members of a workspace they are attached to; details sealed at rest,
/// shown masked, resolved (secret references too) only for a workspace they are attached to;
/// deleting refused while attached.
@Suite struct ConnectionServiceTests {
    static let password = "warehouse-password-0123456789"
    static let details: JSONValue = .object([
        "username": .string("loader"), "password": .string(password), "port": .number(3339),
        "token": SecretReference(name: "wh_token").json,
    ])

    func make() async throws -> (ServiceHarness, ConnectionService, SecretService, User) {
        let h = try await ServiceHarness.make()
        let secrets = SecretService(platform: h.platform)
        let admin = try #require(try await h.store.user(id: h.principal.userID))
        return (h, ConnectionService(platform: h.platform, secrets: secrets), secrets, admin)
    }

    @Test func detailsAreSealedMaskedAndResolvedOnlyWhereAttached() async throws {
        let (h, connections, secrets, admin) = try await make()
        let created = try await connections.create(name: "bigqueryhouseapiinput", type: "BIGQUERY", details: Self.details, by: admin)
        #expect(created.type == .other("BIGQUERY") && created.workspaceIDs.isEmpty && created.createdBy == admin.id)
        let stored = try #require(try await h.store.connection(id: created.id))
        #expect(!stored.sealedDetails.contains(Self.password) && !stored.sealedDetails.contains("loader"))
        let masked = try connections.maskedDetails(of: stored)
        #expect(masked["password"] == .string("****6789") && masked["username"] == .string("****"))
        #expect(masked["token"] == SecretReference(name: "wh_token").json)

        // Not attached: the clear details are refused.
        await expectSlipwayError(.forbidden) { _ = try await connections.resolvedDetails(of: stored, in: h.workspace) }
        let link = try await connections.attach(stored, to: h.workspace)
        #expect(UUID(uuidString: link) != nil && link != created.id)
        let again = try await connections.attach(stored, to: h.workspace)
        #expect(again == link, "attaching twice is one attachment")
        let attached = try await connections.connection(id: created.id, visibleTo: admin)
        #expect(attached.workspaceIDs == [h.workspace.id])
        // The referenced secret is missing: not found, by name only.
        await expectSlipwayError(.notFound, message: "wh_token") {
            _ = try await connections.resolvedDetails(of: attached, in: h.workspace)
        }
        try await secrets.set(name: "wh_token", value: "token-value-abcdef", workspaceID: h.workspace.id, by: nil)
        let clear = try await connections.resolvedDetails(of: attached, in: h.workspace)
        #expect(clear == .object(["username": .string("loader"), "password": .string(Self.password), "port": .number(3339),
                                  "token": .string("token-value-abcdef")]))
        let listed = try await connections.connections(in: h.workspace)
        #expect(listed.map(\.id) == [created.id])
    }

    @Test func deleteIsRefusedWhileAttachedAndNamesAreUnique() async throws {
        let (h, connections, _, admin) = try await make()
        let created = try await connections.create(name: "warehouse", type: "postgresql", details: Self.details, by: admin)
        await expectSlipwayError(.conflict) { _ = try await connections.create(name: "warehouse", type: "s3", details: .object([:]), by: admin) }
        _ = try await connections.attach(created, to: h.workspace)
        await expectSlipwayError(.conflict, message: "attached") { try await connections.delete(created) }
        #expect(try await h.store.connection(id: created.id) != nil)
        try await connections.detach(created, from: h.workspace)
        await expectSlipwayError(.notFound) { try await connections.detach(created, from: h.workspace) }
        try await connections.delete(created)
        #expect(try await h.store.connection(id: created.id) == nil)
        await expectSlipwayError(.notFound) { _ = try await connections.connection(named: "warehouse", visibleTo: admin) }
    }

    @Test func otherUsersSeeAConnectionOnlyThroughAWorkspaceTheyAreMembersOf() async throws {
        let (h, connections, _, admin) = try await make()
        let other = try await h.accounts.createWorkspace(named: "other")
        let bob = try await h.accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: other.id)
        let created = try await connections.create(name: "warehouse", type: "postgresql", details: Self.details, by: admin)
        await expectSlipwayError(.notFound) { _ = try await connections.connection(id: created.id, visibleTo: bob) }
        await expectSlipwayError(.notFound) { _ = try await connections.connection(named: "warehouse", visibleTo: bob) }
        _ = try await connections.attach(created, to: h.workspace)
        await expectSlipwayError(.notFound) { _ = try await connections.connection(named: "warehouse", visibleTo: bob) }
        _ = try await connections.attach(created, to: other)
        let seen = try await connections.connection(named: "warehouse", visibleTo: bob)
        #expect(seen.workspaceIDs == [h.workspace.id, other.id].sorted())
        // Bob's own connection is visible to him before it is attached anywhere.
        let his = try await connections.create(name: "bobs", type: "s3", details: .object(["bucket": .string("b")]), by: bob)
        _ = try await connections.connection(id: his.id, visibleTo: bob)
    }

    @Test func badInputIsRefusedAndNothingIsStored() async throws {
        let (h, connections, _, admin) = try await make()
        let oversized: JSONValue = .object(["blob": .string(String(repeating: "x", count: Connection.maximumDetailsBytes))])
        let cases: [(String, String, JSONValue, SlipwayError.Kind)] = [
            ("Bad_Name", "s3", .object([:]), .badRequest), ("", "s3", .object([:]), .badRequest),
            ("ok", "", .object([:]), .badRequest), ("ok", "s3", .array([]), .badRequest),
            ("ok", "s3", .string(Self.password), .badRequest), ("ok", "s3", oversized, .payloadTooLarge),
            ("ok", "s3", .object(["x": .object(["$secret": .number(1)])]), .badRequest),
        ]
        for (name, type, details, kind) in cases {
            let error = await expectSlipwayError(kind) { _ = try await connections.create(name: name, type: type, details: details, by: admin) }
            #expect(error.map { !$0.message.contains(Self.password) } ?? true)
        }
        #expect(try await h.store.connection(named: "ok") == nil)
        await expectSlipwayError(.notFound) { _ = try await connections.connection(id: "not-a-uuid", visibleTo: admin) }
        await expectSlipwayError(.notFound) { _ = try await connections.connection(id: UUID().uuidString, visibleTo: admin) }
    }
}
