import Foundation
import Testing

@testable import SlipwayCore

/// Workspaces through their members: creation makes an owner, numbers grow by one, owners
/// manage members, outsiders are refused.
@Suite struct WorkspaceMembershipTests {
    func harness() async throws -> (ServiceHarness, alice: User, bob: User) {
        let h = try await ServiceHarness.make()
        let alice = try await h.accounts.createUser(name: "alice", email: "alice@example.com", workspaceID: nil)
        let bob = try await h.accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: nil)
        return (h, alice, bob)
    }

    @Test func creatingAWorkspaceMakesTheCallerItsOwnerWithTheNextNumber() async throws {
        let (h, alice, _) = try await harness()
        let first = try await h.accounts.createWorkspace(named: "apiworkspaces", by: alice)
        let second = try await h.accounts.createWorkspace(named: "second", by: alice)
        #expect(first.number == h.workspace.number + 1)
        #expect(second.number == first.number + 1)
        #expect(first.createdBy == alice.id)
        #expect(try await h.accounts.members(workspaceNumber: first.number, visibleTo: alice)
            == [Membership(workspaceID: first.id, userID: alice.id, role: .owner)])
        // It is a workspace like any other (a Craft AI environment too).
        #expect(try await h.store.workspace(named: "apiworkspaces") == first)
    }

    @Test func duplicateAndInvalidNamesAreRefusedAndChangeNothing() async throws {
        let (h, alice, _) = try await harness()
        _ = try await h.accounts.createWorkspace(named: "taken", by: alice)
        await expectRefusedUnchanged(.conflict, in: h.store) { try await h.accounts.createWorkspace(named: "taken", by: alice) }
        for name in ["a_b", "A.b", "Upper", "-lead", "trail-", "", "a.b"] {
            await expectRefusedUnchanged(.badRequest, in: h.store) { try await h.accounts.createWorkspace(named: name, by: alice) }
        }
    }

    @Test func theListShowsTheCallersWorkspacesByNumberWithTheirContents() async throws {
        let (h, alice, bob) = try await harness()
        let a = try await h.accounts.createWorkspace(named: "a-space", by: alice)
        let b = try await h.accounts.createWorkspace(named: "b-space", by: bob)
        #expect(try await h.accounts.workspaceOverviews(visibleTo: alice).map(\.workspace) == [a])
        try await h.accounts.addMember(email: "alice@example.com", workspaceNumber: b.number, by: bob)
        let overviews = try await h.accounts.workspaceOverviews(visibleTo: alice)
        #expect(overviews.map(\.workspace) == [a, b])
        #expect(overviews.allSatisfy { $0.modelNumbers.isEmpty && $0.pipelineNumbers.isEmpty })
    }

    @Test func anotherUsersListIsForAdministratorsAndThemselves() async throws {
        let (h, alice, bob) = try await harness()
        _ = try await h.accounts.createWorkspace(named: "b-space", by: bob)
        await expectSlipwayError(.forbidden) { try await h.accounts.workspaceOverviews(visibleTo: alice, userID: bob.id) }
        #expect(try await h.accounts.workspaceOverviews(visibleTo: bob, userID: bob.id).count == 1)
        let admin = try #require(try await h.store.user(named: "admin"))
        #expect(try await h.accounts.workspaceOverviews(visibleTo: admin, userID: bob.id).map(\.workspace.name) == ["b-space"])
    }

    @Test func ownersAddAndRemoveMembers() async throws {
        let (h, alice, bob) = try await harness()
        let space = try await h.accounts.createWorkspace(named: "shared", by: alice)
        try await h.accounts.addMember(email: "BOB@example.com", workspaceNumber: space.number, by: alice)
        // Adding twice keeps one membership.
        try await h.accounts.addMember(email: "bob@example.com", workspaceNumber: space.number, by: alice)
        let members = try await h.accounts.members(workspaceNumber: space.number, visibleTo: bob)
        #expect(members.map(\.role) == [.owner, .collaborator])
        #expect(members.map(\.userID) == [alice.id, bob.id])
        #expect(try await h.accounts.removeMember(userID: nil, email: "bob@example.com", workspaceNumber: space.number,
                                                  by: alice) == 1)
        #expect(try await h.accounts.removeMember(userID: bob.id, email: nil, workspaceNumber: space.number, by: alice) == 0)
    }

    @Test func outsidersAndCollaboratorsAreRefused() async throws {
        let (h, alice, bob) = try await harness()
        let space = try await h.accounts.createWorkspace(named: "private", by: alice)
        await expectRefusedUnchanged(.forbidden, in: h.store, message: "not a member") {
            try await h.accounts.members(workspaceNumber: space.number, visibleTo: bob)
        }
        await expectRefusedUnchanged(.forbidden, in: h.store) {
            try await h.accounts.addMember(email: "bob@example.com", workspaceNumber: space.number, by: bob)
        }
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.accounts.members(workspaceNumber: 999, visibleTo: alice)
        }
        try await h.accounts.addMember(email: "bob@example.com", workspaceNumber: space.number, by: alice)
        await expectRefusedUnchanged(.forbidden, in: h.store, message: "owners") {
            try await h.accounts.removeMember(userID: alice.id, email: nil, workspaceNumber: space.number, by: bob)
        }
        await expectRefusedUnchanged(.forbidden, in: h.store, message: "owners") {
            try await h.accounts.addMember(email: "admin@localhost", workspaceNumber: space.number, by: bob)
        }
    }

    @Test func theLastOwnerStaysAndUnknownUsersAreNotFound() async throws {
        let (h, alice, _) = try await harness()
        let space = try await h.accounts.createWorkspace(named: "solo", by: alice)
        await expectRefusedUnchanged(.conflict, in: h.store, message: "last owner") {
            try await h.accounts.removeMember(userID: alice.id, email: nil, workspaceNumber: space.number, by: alice)
        }
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.accounts.addMember(email: "nobody@example.com", workspaceNumber: space.number, by: alice)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await h.accounts.removeMember(userID: nil, email: nil, workspaceNumber: space.number, by: alice)
        }
    }
}
