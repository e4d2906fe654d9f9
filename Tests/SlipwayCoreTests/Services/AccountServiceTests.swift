import Foundation
import Testing

@testable import SlipwayCore

/// Users, workspaces and credentials: bootstrap, creation rules, and every token check both ways.
@Suite struct AccountServiceTests {
    @Test func bootstrapCreatesTheDefaultWorkspaceAndAnAdminWithAWorkingToken() async throws {
        let h = try await ServiceHarness.make()
        #expect(h.workspace.name == AccountService.defaultWorkspaceName)
        let admin = try #require(try await h.store.user(named: AccountService.adminUserName))
        #expect(h.principal == Principal(userID: admin.id, workspaceID: h.workspace.id, kind: .user))
        #expect(h.store.role(userID: admin.id, workspaceID: h.workspace.id) == .owner)
        #expect(admin.isAdministrator)
        #expect(h.workspace.number == 1)
        #expect(h.workspace.createdBy == admin.id)
        #expect(h.adminToken.hasPrefix("swk_"))
    }

    @Test func secondBootstrapDoesNothing() async throws {
        let h = try await ServiceHarness.make()
        let before = h.store.snapshot
        #expect(try await h.accounts.bootstrap(adminToken: "another-admin-token-0123") == nil)
        #expect(h.store.snapshot == before)
    }

    @Test func bootstrapUsesTheChosenAdminToken() async throws {
        let store = InMemoryMetadataStore()
        let accounts = AccountService(store: store, passwords: .fastForTests)
        let token = try await accounts.bootstrap(adminToken: "chosen-admin-token-0123")
        #expect(token == "chosen-admin-token-0123")
        let principal = try await accounts.authenticate(refreshToken: "chosen-admin-token-0123")
        #expect(principal.kind == .user)
    }

    @Test func tokensAreStoredOnlyAsTheirHash() async throws {
        let h = try await ServiceHarness.make()
        let tokens = h.store.snapshot.tokens
        #expect(tokens.count == 1)
        #expect(tokens[0].secretHash == AccountService.hash(h.adminToken))
        #expect(tokens[0].secretHash != h.adminToken)
        #expect(!"\(tokens)".contains(h.adminToken))
    }

    @Test func duplicateWorkspaceNameIsAConflictAndStoresNothing() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.accounts.createWorkspace(named: "team-a")
        await expectRefusedUnchanged(.conflict, in: h.store, message: "already exists") {
            try await h.accounts.createWorkspace(named: "team-a")
        }
    }

    @Test(arguments: ["", "Team", "-team", "team-", "team_a", String(repeating: "a", count: 64)])
    func invalidWorkspaceNamesAreRefused(name: String) async throws {
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.badRequest, in: h.store) { try await h.accounts.createWorkspace(named: name) }
    }

    @Test func createdUserIsAMemberOfTheWorkspace() async throws {
        let h = try await ServiceHarness.make()
        let user = try await h.accounts.createUser(name: "alice", email: "alice@example.com", workspaceID: h.workspace.id)
        #expect(try await h.accounts.member(userID: user.id, workspaceID: h.workspace.id) == user)
        #expect(h.store.role(userID: user.id, workspaceID: h.workspace.id) == .collaborator)
        let other = try await h.accounts.createWorkspace(named: "other")
        #expect(try await h.accounts.member(userID: user.id, workspaceID: other.id) == nil)
    }

    @Test(arguments: ["no-at-sign", "two words@example.com", String(repeating: "a", count: 250) + "@x.io"])
    func invalidEmailsAreRefused(email: String) async throws {
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "email") {
            try await h.accounts.createUser(name: "bob", email: email, workspaceID: h.workspace.id)
        }
    }

    @Test func duplicateUserNameIsAConflict() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.accounts.createUser(name: "alice", email: "a@example.com", workspaceID: h.workspace.id)
        await expectRefusedUnchanged(.conflict, in: h.store) {
            try await h.accounts.createUser(name: "alice", email: "b@example.com", workspaceID: h.workspace.id)
        }
    }

    @Test func sdkTokenOfAnotherWorkspaceMakesTheUserAMember() async throws {
        let h = try await ServiceHarness.make()
        let other = try await h.accounts.createWorkspace(named: "other")
        let token = try await h.accounts.issueUserToken(userID: h.principal.userID, workspaceID: other.id)
        let principal = try await h.accounts.authenticate(refreshToken: token)
        #expect(principal.workspaceID == other.id)
        #expect(try await h.store.isMember(userID: h.principal.userID, workspaceID: other.id))
    }

    @Test func shortChosenSDKTokenIsRefused() async throws {
        let h = try await ServiceHarness.make()
        let other = try await h.accounts.createWorkspace(named: "other")
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "16") {
            try await h.accounts.issueUserToken(userID: h.principal.userID, workspaceID: other.id, secret: "short")
        }
    }

    @Test(arguments: ["", "swk_not-a-token-that-exists", String(repeating: "x", count: 513)])
    func unknownTokensAreRefused(token: String) async throws {
        let h = try await ServiceHarness.make()
        let error = await expectSlipwayError(.unauthorized) { try await h.accounts.authenticate(refreshToken: token) }
        // The same answer for every refused token, never echoing it.
        #expect(error?.message == "the token is not valid")
    }

    /// A running execution of the harness's principal, stored unless `stored` is false.
    static func runningExecution(_ id: String, in h: ServiceHarness, stored: Bool = true) async throws -> Execution {
        let execution = Execution(id: id, workspaceID: h.workspace.id, pipelineID: "p", pipelineName: "p", stepID: "s",
                                  deploymentName: nil, trigger: .run, status: .running, createdAt: h.clock.now,
                                  createdBy: h.principal.userID)
        if stored { try await h.store.insertExecution(execution, inputs: [], outputs: []) }
        return execution
    }

    @Test func executionTokenIsValidForItsLifetimePlusAMinuteOnly() async throws {
        let h = try await ServiceHarness.make()
        let execution = try await Self.runningExecution("p-1", in: h)
        let token = try await h.accounts.issueExecutionToken(for: execution, lifetime: .seconds(10))
        #expect(token.hasPrefix("swx_"))
        h.clock.advance(by: 69)
        let principal = try await h.accounts.authenticate(refreshToken: token)
        #expect(principal == Principal(userID: h.principal.userID, workspaceID: h.workspace.id, kind: .execution,
                                       executionID: "p-1"))
        h.clock.advance(by: 2)
        await expectSlipwayError(.unauthorized, message: "expired") { try await h.accounts.authenticate(refreshToken: token) }
    }

    @Test func revokedExecutionTokenIsRefused() async throws {
        let h = try await ServiceHarness.make()
        let execution = try await Self.runningExecution("p-2", in: h)
        let token = try await h.accounts.issueExecutionToken(for: execution, lifetime: .seconds(60))
        _ = try await h.accounts.authenticate(refreshToken: token)
        try await h.store.revokeTokens(executionID: "p-2")
        await expectSlipwayError(.unauthorized, message: "not valid") { try await h.accounts.authenticate(refreshToken: token) }
        // Other tokens are untouched.
        _ = try await h.accounts.authenticate(refreshToken: h.adminToken)
    }

    /// The token of an execution that has ended (or was deleted) is refused before it is revoked.
    @Test func executionTokenEndsWithItsExecution() async throws {
        let h = try await ServiceHarness.make()
        let execution = try await Self.runningExecution("p-3", in: h)
        let token = try await h.accounts.issueExecutionToken(for: execution, lifetime: .seconds(60))
        _ = try await h.accounts.authenticate(refreshToken: token)
        #expect(try await h.store.updateExecutionStatus(id: "p-3", from: .running, to: .succeeded, at: h.clock.now,
                                                        message: nil))
        await expectSlipwayError(.unauthorized, message: "not valid") { try await h.accounts.authenticate(refreshToken: token) }
        let unknown = try await Self.runningExecution("p-4", in: h, stored: false)
        let orphan = try await h.accounts.issueExecutionToken(for: unknown, lifetime: .seconds(60))
        await expectSlipwayError(.unauthorized, message: "not valid") { try await h.accounts.authenticate(refreshToken: orphan) }
    }

    @Test func expiringDeploymentTokensOnlyShortensLongerLives() async throws {
        let h = try await ServiceHarness.make()
        let deployment = Deployment(id: "dep-1", workspaceID: h.workspace.id, name: "d", pipelineID: "p", pipelineName: "p",
                                    stepID: "s", rule: .endpoint, mode: .lowLatency, status: .ready, createdAt: h.clock.now,
                                    createdBy: h.principal.userID)
        let token = try await h.accounts.issueDeploymentToken(for: deployment)
        let principal = try await h.accounts.authenticate(refreshToken: token)
        #expect(principal.kind == .deployment)
        #expect(principal.executionID == "dep-1")
        try await h.store.expireTokens(executionID: "dep-1", at: h.clock.now.addingTimeInterval(30))
        try await h.store.expireTokens(executionID: "dep-1", at: h.clock.now.addingTimeInterval(300))
        #expect(try await h.store.token(secretHash: AccountService.hash(token))?.expiresAt == h.clock.now.addingTimeInterval(30))
        h.clock.advance(by: 31)
        await expectSlipwayError(.unauthorized, message: "expired") { try await h.accounts.authenticate(refreshToken: token) }
    }
}
