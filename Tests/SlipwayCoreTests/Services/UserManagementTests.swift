import Foundation
import Testing

@testable import SlipwayCore

/// Inviting, deactivating and activating users: administrators only, duplicates refused, and a
/// disabled user locked out of every credential they hold.
@Suite struct UserManagementTests {
    func harness() async throws -> (ServiceHarness, admin: User, bob: User) {
        let h = try await ServiceHarness.make()
        let admin = try #require(try await h.store.user(named: AccountService.adminUserName))
        h.clock.advance(by: 1)
        let bob = try await h.accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: h.workspace.id,
                                                  password: "bobs password")
        return (h, admin, bob)
    }

    @Test func anAdministratorInvitesAUserWhoSignsInWithTheGivenPassword() async throws {
        let (h, admin, _) = try await harness()
        let invited = try await h.accounts.invite(email: "john.hansarick@wallaroo.ai", password: "Snugglebunnies", by: admin)
        #expect(invited.name == "john-hansarick-wallaroo-ai")
        #expect(invited.email == "john.hansarick@wallaroo.ai")
        #expect(invited.isEnabled && !invited.isAdministrator)
        #expect(try await h.store.memberships(userID: invited.id).isEmpty)
        let session = try await h.accounts.signIn(login: "john.hansarick@wallaroo.ai", password: "Snugglebunnies",
                                                  clientID: "c", longLived: false)
        #expect(session.user.id == invited.id)
    }

    @Test func anInviteWithoutPasswordGetsAHiddenRandomOne() async throws {
        let (h, admin, _) = try await harness()
        let invited = try await h.accounts.invite(email: "carol@example.com", password: nil, by: admin)
        #expect(try await h.store.passwordHash(userID: invited.id)?.hasPrefix("scrypt$") == true)
    }

    @Test func invitedNamesAreNumberedOnAClash() async throws {
        let (h, admin, _) = try await harness()
        let first = try await h.accounts.invite(email: "bob@example.org", password: nil, by: admin)
        let second = try await h.accounts.invite(email: "bob.example@org", password: nil, by: admin)
        #expect(first.name == "bob-example-org")
        #expect(second.name == "bob-example-org-2")
    }

    @Test func inviteOfAnExistingEmailIsAConflictAndChangesNothing() async throws {
        let (h, admin, _) = try await harness()
        await expectRefusedUnchanged(.conflict, in: h.store, message: "already exists") {
            try await h.accounts.invite(email: "BOB@example.com", password: "x", by: admin)
        }
    }

    @Test func inviteIsForAdministratorsOnly() async throws {
        let (h, _, bob) = try await harness()
        await expectRefusedUnchanged(.forbidden, in: h.store, message: "administrators") {
            try await h.accounts.invite(email: "dave@example.com", password: "x", by: bob)
        }
    }

    @Test(arguments: ["no-at-sign", "@example.com", "a@", "two words@example.com", "a@b@c"])
    func invalidInviteEmailsAreRefused(email: String) async throws {
        let (h, admin, _) = try await harness()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "email") {
            try await h.accounts.invite(email: email, password: "x", by: admin)
        }
    }

    @Test func deactivationLocksTheUserOutOfEveryCredentialUntilActivated() async throws {
        let (h, admin, bob) = try await harness()
        let session = try await h.accounts.signIn(login: "bob", password: "bobs password", clientID: "c", longLived: false)
        let sdkToken = try await h.accounts.issueUserToken(userID: bob.id, workspaceID: h.workspace.id)

        let disabled = try await h.accounts.setEnabled(email: "bob@example.com", enabled: false, by: admin)
        #expect(!disabled.isEnabled)
        await expectSlipwayError(.unauthorized, code: .accountDisabled) {
            try await h.accounts.signIn(login: "bob", password: "bobs password", clientID: "c", longLived: false)
        }
        await expectSlipwayError(.unauthorized, code: .accountDisabled) {
            try await h.accounts.refreshSession(refreshToken: session.refreshToken, clientID: "c")
        }
        await expectSlipwayError(.unauthorized, code: .accountDisabled) {
            try await h.accounts.authenticate(refreshToken: sdkToken)
        }
        await expectSlipwayError(.unauthorized, code: .accountDisabled) { try await h.accounts.activeUser(id: bob.id) }
        // The wrong password of a disabled user is still just wrong credentials.
        await expectSlipwayError(.unauthorized, code: .invalidCredentials) {
            try await h.accounts.signIn(login: "bob", password: "nope", clientID: "c", longLived: false)
        }

        try await h.accounts.setEnabled(email: "bob@example.com", enabled: true, by: admin)
        _ = try await h.accounts.signIn(login: "bob", password: "bobs password", clientID: "c", longLived: false)
        _ = try await h.accounts.refreshSession(refreshToken: session.refreshToken, clientID: "c")
        _ = try await h.accounts.authenticate(refreshToken: sdkToken)
        #expect(try await h.accounts.activeUser(id: bob.id).id == bob.id)
    }

    @Test func aDisabledUsersExecutionTokensStillWork() async throws {
        let (h, admin, bob) = try await harness()
        let execution = Execution(id: "p-1", workspaceID: h.workspace.id, pipelineID: "p", pipelineName: "p", stepID: "s",
                                  deploymentName: nil, trigger: .run, status: .running, createdAt: h.clock.now,
                                  createdBy: bob.id)
        try await h.store.insertExecution(execution, inputs: [], outputs: [])
        let token = try await h.accounts.issueExecutionToken(for: execution, lifetime: .seconds(60))
        try await h.accounts.setEnabled(email: "bob@example.com", enabled: false, by: admin)
        #expect(try await h.accounts.authenticate(refreshToken: token).kind == .execution)
    }

    @Test func activationIsForAdministratorsOnlyAndNotOfOneself() async throws {
        let (h, admin, bob) = try await harness()
        await expectRefusedUnchanged(.forbidden, in: h.store) {
            try await h.accounts.setEnabled(email: "admin@localhost", enabled: false, by: bob)
        }
        await expectRefusedUnchanged(.forbidden, in: h.store) {
            try await h.accounts.setEnabled(email: "bob@example.com", enabled: true, by: bob)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "yourself") {
            try await h.accounts.setEnabled(email: admin.email, enabled: false, by: admin)
        }
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.accounts.setEnabled(email: "nobody@example.com", enabled: false, by: admin)
        }
    }

    @Test func queryListsEveryUserOrTheGivenOnes() async throws {
        let (h, admin, bob) = try await harness()
        #expect(try await h.accounts.users().map(\.id) == [admin.id, bob.id])
        #expect(try await h.accounts.users(ids: [bob.id, "unknown"]).map(\.id) == [bob.id])
        #expect(try await h.accounts.users(ids: []).isEmpty)
    }
}
