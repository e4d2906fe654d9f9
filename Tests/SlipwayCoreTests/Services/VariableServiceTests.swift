import Foundation
import Testing

@testable import SlipwayCore

/// Workspace environment variables: validation of the whole request before any is stored.
@Suite struct VariableServiceTests {
    @Test func variablesAreStoredAsTextAndListedByName() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["b_var": .string("x"), "A_NUM": .number(3), "FLAG": .bool(true)])
        let listed = try await h.variables.list(workspaceID: h.workspace.id)
        #expect(listed == [EnvironmentVariable(name: "A_NUM", value: "3"), EnvironmentVariable(name: "FLAG", value: "true"),
                           EnvironmentVariable(name: "b_var", value: "x")])
    }

    @Test func settingAgainReplacesTheValue() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["KEY": .string("old")])
        try await h.variables.set(workspaceID: h.workspace.id, ["KEY": .string("new")])
        #expect(try await h.variables.list(workspaceID: h.workspace.id) == [EnvironmentVariable(name: "KEY", value: "new")])
    }

    @Test func oneBadVariableRefusesTheWholeRequest() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["KEPT": .string("1")])
        let bad: [[String: JSONValue]] = [
            [:],
            ["GOOD": .string("1"), "1BAD": .string("x")],
            ["GOOD": .string("1"), "has-dash": .string("x")],
            ["GOOD": .string("1"), "OBJ": .object([:])],
            ["GOOD": .string("1"), "NUL": .string("a\0b")],
            ["GOOD": .string("1"), "HUGE": .string(String(repeating: "x", count: VariableService.maxValueBytes + 1))],
        ]
        for variables in bad {
            await expectRefusedUnchanged(.badRequest, in: h.store) {
                try await h.variables.set(workspaceID: h.workspace.id, variables)
            }
        }
        var many: [String: JSONValue] = [:]
        for index in 0...1000 { many["V\(index)"] = .string("x") }
        await expectRefusedUnchanged(.payloadTooLarge, in: h.store) { try await h.variables.set(workspaceID: h.workspace.id, many) }
    }

    @Test func deleteReturnsTheVariableAndUnknownOnesAreNotFound() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["GONE": .string("v")])
        #expect(try await h.variables.delete(workspaceID: h.workspace.id, name: "GONE") == EnvironmentVariable(name: "GONE", value: "v"))
        #expect(try await h.variables.list(workspaceID: h.workspace.id).isEmpty)
        await expectRefusedUnchanged(.notFound, in: h.store) { try await h.variables.delete(workspaceID: h.workspace.id, name: "GONE") }
    }

    @Test func variablesBelongToTheirWorkspace() async throws {
        let h = try await ServiceHarness.make()
        let other = try await h.accounts.createWorkspace(named: "other")
        try await h.variables.set(workspaceID: other.id, ["ONLY_THERE": .string("1")])
        #expect(try await h.variables.list(workspaceID: h.workspace.id).isEmpty)
        await expectSlipwayError(.notFound) { try await h.variables.delete(workspaceID: h.workspace.id, name: "ONLY_THERE") }
    }
}
