import Foundation

/// Workspace environment variables, injected into executions.
public struct VariableService: Sendable {
    let platform: Platform
    public static let maxValueBytes = 32_768

    public init(platform: Platform) {
        self.platform = platform
    }

    public func set(workspaceID: String, _ variables: [String: JSONValue]) async throws {
        guard !variables.isEmpty else { throw SlipwayError.badRequest("environment_variables must not be empty") }
        guard variables.count <= 1000 else { throw SlipwayError.tooLarge("at most 1000 variables per request") }
        var parsed: [EnvironmentVariable] = []
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            try NameRules.validateVariableName(name)
            let text: String
            switch value {
            case .string(let string): text = string
            case .number, .bool: text = value.jsonString()
            default: throw SlipwayError.badRequest("the value of environment variable '\(name)' must be a string")
            }
            guard text.utf8.count <= Self.maxValueBytes, !text.contains("\0") else {
                throw SlipwayError.badRequest("the value of environment variable '\(name)' must be at most "
                    + "\(Self.maxValueBytes) bytes without NUL characters")
            }
            parsed.append(EnvironmentVariable(name: name, value: text))
        }
        try await platform.store.setVariables(workspaceID: workspaceID, parsed)
    }

    public func list(workspaceID: String) async throws -> [EnvironmentVariable] {
        try await platform.store.variables(workspaceID: workspaceID)
    }

    public func delete(workspaceID: String, name: String) async throws -> EnvironmentVariable {
        guard let variable = try await platform.store.deleteVariable(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("environment variable", name)
        }
        return variable
    }
}
