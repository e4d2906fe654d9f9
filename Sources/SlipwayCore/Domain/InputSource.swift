import Foundation

/// Where a pipeline input takes its value from.
public enum InputSource: Sendable, Equatable {
    /// Given by the caller of a run, under the input's own name.
    case run
    /// Given by the caller of an endpoint under `name`; `required` and `default` override what
    /// the input declares.
    case endpoint(name: String, required: Bool? = nil, default: JSONValue? = nil)
    /// A fixed value.
    case constant(JSONValue)
    /// A workspace environment variable, read when the execution is created.
    case environmentVariable(name: String)
    /// A data-store object, for file inputs.
    case dataStore(path: String)
    /// Always null, even for a required input.
    case null

    /// The kind of source, without its parameters.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case run
        case endpoint
        case constant
        case environmentVariable = "environment_variable"
        case dataStore = "data_store"
        case null
    }

    public var kind: Kind {
        switch self {
        case .run: .run
        case .endpoint: .endpoint
        case .constant: .constant
        case .environmentVariable: .environmentVariable
        case .dataStore: .dataStore
        case .null: .null
        }
    }

    /// The endpoint parameter name, for an endpoint source.
    public var endpointName: String? {
        if case .endpoint(let name, _, _) = self { name } else { nil }
    }

    /// The data-store path, for a data-store source.
    public var dataStorePath: String? {
        if case .dataStore(let path) = self { path } else { nil }
    }

    /// The parameters of the source as a JSON object (the store's encoding): `name`, `required`,
    /// `default`, `value`, `path` as the kind needs.
    public var parameters: [String: JSONValue] {
        switch self {
        case .run, .null: return [:]
        case .endpoint(let name, let required, let fallback):
            var object: [String: JSONValue] = ["name": .string(name)]
            if let required { object["required"] = .bool(required) }
            if let fallback { object["default"] = fallback }
            return object
        case .constant(let value): return ["value": value]
        case .environmentVariable(let name): return ["name": .string(name)]
        case .dataStore(let path): return ["path": .string(path)]
        }
    }

    /// Reads `parameters` back; nil when a parameter the kind needs is missing.
    public init?(kind: Kind, parameters: [String: JSONValue]) {
        switch kind {
        case .run: self = .run
        case .null: self = .null
        case .endpoint:
            guard let name = parameters["name"]?.stringValue else { return nil }
            let required: Bool? = if case .bool(let flag)? = parameters["required"] { flag } else { nil }
            self = .endpoint(name: name, required: required, default: parameters["default"])
        case .constant:
            guard let value = parameters["value"] else { return nil }
            self = .constant(value)
        case .environmentVariable:
            guard let name = parameters["name"]?.stringValue else { return nil }
            self = .environmentVariable(name: name)
        case .dataStore:
            guard let path = parameters["path"]?.stringValue else { return nil }
            self = .dataStore(path: path)
        }
    }
}
