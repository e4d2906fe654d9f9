import Foundation
import Testing

@testable import SlipwayCore

/// Passwords and signed-in sessions: sign-in by name or email, refresh, sign-out, and the
/// refusals (wrong password, unknown user, disabled user, expired or foreign refresh tokens).
@Suite struct SignInTests {
    func harnessWithAlice() async throws -> (ServiceHarness, User) {
        let h = try await ServiceHarness.make()
        let alice = try await h.accounts.createUser(name: "alice", email: "Alice@Example.com", workspaceID: h.workspace.id,
                                                    password: "correct horse", firstName: "Alice", lastName: "Liddell")
        return (h, alice)
    }

    @Test func aUserSignsInWithTheirNameOrEmailAndPassword() async throws {
        let (h, alice) = try await harnessWithAlice()
        let byName = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: false)
        #expect(byName.user == alice)
        #expect(byName.refreshToken.hasPrefix("swr_"))
        let byEmail = try await h.accounts.signIn(login: "alice@example.COM", password: "correct horse", clientID: "c",
                                                  longLived: false)
        #expect(byEmail.user == alice)
        #expect(byEmail.sessionID != byName.sessionID, "each sign-in opens its own session")
    }

    @Test func thePasswordIsStoredOnlyAsASlowHash() async throws {
        let (h, alice) = try await harnessWithAlice()
        let stored = try #require(h.store.snapshot.passwordHashes[alice.id])
        #expect(stored.hasPrefix("scrypt$"))
        #expect(!"\(h.store.snapshot)".contains("correct horse"))
    }

    @Test(arguments: [("alice", "wrong"), ("alice", ""), ("nobody", "correct horse"), ("", "x"),
                      ("nobody@example.com", "correct horse")])
    func wrongCredentialsAreRefusedAlike(login: String, password: String) async throws {
        let (h, _) = try await harnessWithAlice()
        let error = await expectRefusedUnchanged(.unauthorized, in: h.store, code: .invalidCredentials) {
            try await h.accounts.signIn(login: login, password: password, clientID: "c", longLived: false)
        }
        #expect(error?.message == "invalid user credentials")
    }

    @Test func aUserWithoutAPasswordCannotSignIn() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: h.workspace.id)
        await expectSlipwayError(.unauthorized, code: .invalidCredentials) {
            try await h.accounts.signIn(login: "bob", password: "anything", clientID: "c", longLived: false)
        }
    }

    @Test func refreshKeepsTheSessionAndIssuesANewToken() async throws {
        let (h, alice) = try await harnessWithAlice()
        let first = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: false)
        h.clock.advance(by: 60)
        let second = try await h.accounts.refreshSession(refreshToken: first.refreshToken, clientID: "c")
        #expect(second.user == alice)
        #expect(second.sessionID == first.sessionID)
        #expect(second.refreshToken != first.refreshToken)
        // The earlier refresh token stays valid until it expires (clients may reuse it).
        _ = try await h.accounts.refreshSession(refreshToken: first.refreshToken, clientID: "c")
    }

    @Test func refreshTokensExpireAfterTheirLifetime() async throws {
        let (h, _) = try await harnessWithAlice()
        let short = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: false)
        let long = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: true)
        h.clock.advance(by: AccountService.sessionTokenLifetime + 1)
        await expectSlipwayError(.unauthorized, message: "expired") {
            try await h.accounts.refreshSession(refreshToken: short.refreshToken, clientID: "c")
        }
        _ = try await h.accounts.refreshSession(refreshToken: long.refreshToken, clientID: "c")
    }

    @Test func aRefreshTokenWorksOnlyForItsClient() async throws {
        let (h, _) = try await harnessWithAlice()
        let session = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: false)
        await expectRefusedUnchanged(.unauthorized, in: h.store) {
            try await h.accounts.refreshSession(refreshToken: session.refreshToken, clientID: "other")
        }
    }

    @Test(arguments: ["", "swr_unknown", String(repeating: "x", count: 600)])
    func unknownRefreshTokensAreRefused(token: String) async throws {
        let (h, _) = try await harnessWithAlice()
        await expectRefusedUnchanged(.unauthorized, in: h.store, message: "not valid") {
            try await h.accounts.refreshSession(refreshToken: token, clientID: "c")
        }
    }

    @Test func signOutRevokesEveryTokenOfTheSession() async throws {
        let (h, _) = try await harnessWithAlice()
        let first = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: false)
        let second = try await h.accounts.refreshSession(refreshToken: first.refreshToken, clientID: "c")
        let other = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: false)
        try await h.accounts.signOut(refreshToken: second.refreshToken, clientID: "c")
        for token in [first.refreshToken, second.refreshToken] {
            await expectSlipwayError(.unauthorized) { try await h.accounts.refreshSession(refreshToken: token, clientID: "c") }
        }
        _ = try await h.accounts.refreshSession(refreshToken: other.refreshToken, clientID: "c")
        // Signing out again, or with an unknown token, is not an error.
        try await h.accounts.signOut(refreshToken: second.refreshToken, clientID: "c")
        try await h.accounts.signOut(refreshToken: "swr_unknown", clientID: "c")
    }

    @Test func refreshTokensAreStoredOnlyAsTheirHash() async throws {
        let (h, _) = try await harnessWithAlice()
        let session = try await h.accounts.signIn(login: "alice", password: "correct horse", clientID: "c", longLived: false)
        let stored = h.store.snapshot.sessionTokens
        #expect(stored.count == 1)
        #expect(stored[0].secretHash == AccountService.hash(session.refreshToken))
        #expect(!"\(stored)".contains(session.refreshToken))
    }

    @Test func theAdministratorGetsAGeneratedPasswordOnceOrTheChosenOne() async throws {
        let h = try await ServiceHarness.make()
        guard case .generated(let password) = try await h.accounts.ensureAdminPassword(chosen: nil) else {
            Issue.record("expected a generated password")
            return
        }
        #expect(password.count >= 20)
        #expect(try await h.accounts.ensureAdminPassword(chosen: "ignored now") == .unchanged)
        let session = try await h.accounts.signIn(login: "admin", password: password, clientID: "c", longLived: false)
        #expect(session.user.isAdministrator)

        let other = try await ServiceHarness.make()
        #expect(try await other.accounts.ensureAdminPassword(chosen: "chosen-password") == .setChosen)
        _ = try await other.accounts.signIn(login: "admin", password: "chosen-password", clientID: "c", longLived: false)
    }

    @Test(arguments: ["", "line\nbreak", String(repeating: "p", count: 1025)])
    func invalidPasswordsAreRefused(password: String) async throws {
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "password") {
            try await h.accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: h.workspace.id,
                                            password: password)
        }
    }

    @Test func aDuplicateEmailIsAConflict() async throws {
        let (h, _) = try await harnessWithAlice()
        await expectRefusedUnchanged(.conflict, in: h.store, message: "email") {
            try await h.accounts.createUser(name: "alice2", email: "alice@example.com", workspaceID: h.workspace.id)
        }
    }
}
