import Foundation
import Testing

@testable import SlipwayCore

/// Workspace secrets and shared settings: create or replace, read, list, delete; secrets
/// stored only sealed (bound to workspace and name), opened only through `resolve`, never in a
/// message; bad input refused with nothing stored.
@Suite struct SecretServiceTests {
    static let value = "kaggle-api-key-0123456789abcdef"

    func services(_ h: ServiceHarness) -> (SecretService, SettingService) {
        (SecretService(platform: h.platform), SettingService(store: h.store, now: { h.clock.now }))
    }

    @Test func aSecretIsStoredSealedAndOnlyResolveOpensIt() async throws {
        let h = try await ServiceHarness.make()
        let (secrets, _) = services(h)
        let created = try await secrets.set(name: "kaggle_api_key", value: Self.value, workspaceID: h.workspace.id,
                                            by: h.principal.userID)
        #expect(created.version == 1 && created.updatedBy == h.principal.userID && created.keyID == h.platform.sealer.keyID)
        let stored = try #require(try await h.store.secret(workspaceID: h.workspace.id, name: "kaggle_api_key"))
        #expect(!String(decoding: stored.sealedValue, as: UTF8.self).contains(Self.value))
        #expect(!stored.sealedValue.base64EncodedString().contains(Self.value))
        #expect(!"\(stored)".contains(Self.value))
        let resolved = try await secrets.resolve(name: "kaggle_api_key", workspaceID: h.workspace.id)
        #expect(resolved == Self.value)

        // Replacing keeps the id and creation time and counts the version.
        h.clock.advance(by: 60)
        let replaced = try await secrets.set(name: "kaggle_api_key", value: "second-value-xyz", workspaceID: h.workspace.id, by: nil)
        #expect(replaced.id == created.id && replaced.createdAt == created.createdAt && replaced.version == 2)
        #expect(replaced.updatedAt == created.createdAt.addingTimeInterval(60) && replaced.updatedBy == nil)
        let second = try await secrets.resolve(name: "kaggle_api_key", workspaceID: h.workspace.id)
        #expect(second == "second-value-xyz")
        let listed = try await secrets.list(workspaceID: h.workspace.id)
        #expect(listed.map(\.name) == ["kaggle_api_key"])
    }

    @Test func aSealedValueCopiedToAnotherSecretOrWorkspaceDoesNotOpen() async throws {
        let h = try await ServiceHarness.make()
        let (secrets, _) = services(h)
        let other = try await h.accounts.createWorkspace(named: "other")
        let original = try await secrets.set(name: "a", value: Self.value, workspaceID: h.workspace.id, by: nil)
        _ = try await h.store.putSecret(Secret(id: "copy", workspaceID: h.workspace.id, name: "b", sealedValue: original.sealedValue,
                                               keyID: original.keyID, createdAt: h.clock.now))
        _ = try await h.store.putSecret(Secret(id: "moved", workspaceID: other.id, name: "a", sealedValue: original.sealedValue,
                                               keyID: original.keyID, createdAt: h.clock.now))
        for (name, workspace) in [("b", h.workspace.id), ("a", other.id)] {
            do {
                _ = try await secrets.resolve(name: name, workspaceID: workspace)
                Issue.record("a copied sealed value opened")
            } catch let error as SlipwayError {
                #expect(error.kind == .internal && !error.message.contains(Self.value))
            }
        }
        // Another server key does not open it either.
        let foreign = SecretService(store: h.store, sealer: SecretSealer(key: Data("another key".utf8)))
        await expectSlipwayError(.internal) { _ = try await foreign.resolve(name: "a", workspaceID: h.workspace.id) }
    }

    @Test func secretsAreSeparatePerWorkspaceAndDeleted() async throws {
        let h = try await ServiceHarness.make()
        let (secrets, _) = services(h)
        let other = try await h.accounts.createWorkspace(named: "other")
        try await secrets.set(name: "token", value: "one-value-here", workspaceID: h.workspace.id, by: nil)
        try await secrets.set(name: "token", value: "two-value-here", workspaceID: other.id, by: nil)
        try await secrets.set(name: "B.key", value: "b-value-here", workspaceID: h.workspace.id, by: nil)
        let names = try await secrets.list(workspaceID: h.workspace.id).map(\.name)
        #expect(names == ["B.key", "token"])
        let first = try await secrets.resolve(name: "token", workspaceID: h.workspace.id)
        let second = try await secrets.resolve(name: "token", workspaceID: other.id)
        #expect(first == "one-value-here" && second == "two-value-here")
        try await secrets.delete(name: "token", workspaceID: h.workspace.id)
        await expectSlipwayError(.notFound) { try await secrets.delete(name: "token", workspaceID: h.workspace.id) }
        await expectSlipwayError(.notFound) { _ = try await secrets.secret(named: "token", workspaceID: h.workspace.id) }
        await expectSlipwayError(.notFound) { _ = try await secrets.resolve(name: "token", workspaceID: h.workspace.id) }
        let kept = try await secrets.resolve(name: "token", workspaceID: other.id)
        #expect(kept == "two-value-here")
    }

    @Test func badNamesAndValuesAreRefusedWithoutTheValueInTheMessageAndNothingStored() async throws {
        let h = try await ServiceHarness.make()
        let (secrets, settings) = services(h)
        try await secrets.set(name: "kept", value: "kept-value-1234", workspaceID: h.workspace.id, by: nil)
        let cases: [(String, String, SlipwayError.Kind)] = [
            ("", Self.value, .badRequest), ("bad name", Self.value, .badRequest), ("-x", Self.value, .badRequest),
            ("../etc", Self.value, .badRequest), (String(repeating: "n", count: 129), Self.value, .badRequest),
            ("empty", "", .badRequest), ("nul", "a\u{0}\(Self.value)", .badRequest),
            ("huge", Self.value + String(repeating: "x", count: Secret.maximumValueBytes), .payloadTooLarge),
        ]
        for (name, value, kind) in cases {
            do {
                try await secrets.set(name: name, value: value, workspaceID: h.workspace.id, by: nil)
                Issue.record("accepted secret '\(name)'")
            } catch let error as SlipwayError {
                #expect(error.kind == kind, "\(name)")
                #expect(!error.message.contains(Self.value))
            }
        }
        let listed = try await secrets.list(workspaceID: h.workspace.id)
        #expect(listed.map(\.name) == ["kept"])

        for (name, value) in [("bad/name", "v"), ("ok", ""), ("ok", String(repeating: "v", count: SharedSetting.maximumValueBytes + 1))] {
            await #expect(throws: SlipwayError.self) { try await settings.set(name: name, value: value, workspaceID: h.workspace.id, by: nil) }
        }
        let none = try await settings.list(workspaceID: h.workspace.id)
        #expect(none.isEmpty)
    }

    @Test func settingsHavePlainValuesAndAreReplacedListedAndDeleted() async throws {
        let h = try await ServiceHarness.make()
        let (_, settings) = services(h)
        let created = try await settings.set(name: "kaggle_username", value: "alice", workspaceID: h.workspace.id,
                                             by: h.principal.userID)
        #expect(created.value == "alice" && created.version == 1)
        h.clock.advance(by: 5)
        let replaced = try await settings.set(name: "kaggle_username", value: "bob", workspaceID: h.workspace.id, by: nil)
        #expect(replaced.id == created.id && replaced.version == 2 && replaced.value == "bob")
        try await settings.set(name: "a_first", value: "1", workspaceID: h.workspace.id, by: nil)
        let listed = try await settings.list(workspaceID: h.workspace.id)
        #expect(listed.map(\.name) == ["a_first", "kaggle_username"])
        let read = try await settings.setting(named: "kaggle_username", workspaceID: h.workspace.id)
        #expect(read.value == "bob")
        try await settings.delete(name: "a_first", workspaceID: h.workspace.id)
        await expectSlipwayError(.notFound) { try await settings.delete(name: "a_first", workspaceID: h.workspace.id) }
        await expectSlipwayError(.notFound) { _ = try await settings.setting(named: "bad name", workspaceID: h.workspace.id) }
    }

    @Test func referencesInADocumentResolveToTheWorkspacesValues() async throws {
        let h = try await ServiceHarness.make()
        let (secrets, _) = services(h)
        try await secrets.set(name: "pw", value: Self.value, workspaceID: h.workspace.id, by: nil)
        let document: JSONValue = .object(["host": .string("db"), "password": SecretReference(name: "pw").json,
                                           "list": .array([SecretReference(name: "pw").json])])
        let resolved = try await secrets.resolveReferences(in: document, workspaceID: h.workspace.id)
        #expect(resolved == .object(["host": .string("db"), "password": .string(Self.value), "list": .array([.string(Self.value)])]))
        await expectSlipwayError(.notFound) {
            _ = try await secrets.resolveReferences(in: SecretReference(name: "missing").json, workspaceID: h.workspace.id)
        }
    }
}
