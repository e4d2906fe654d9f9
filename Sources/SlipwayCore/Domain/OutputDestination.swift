import Foundation

/// Where a pipeline output goes.
public enum OutputDestination: Sendable, Equatable {
    /// Returned to the caller of a run, under the output's own name.
    case run
    /// Returned to the caller of an endpoint under `name`.
    case endpoint(name: String)
    /// Written to the data store; `path` may hold `{execution_id}` and `{date}` placeholders until
    /// the execution fills them in.
    case dataStore(path: String)
    /// Discarded.
    case null

    /// The kind of destination, without its parameters.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case run
        case endpoint
        case dataStore = "data_store"
        case null
    }

    public var kind: Kind {
        switch self {
        case .run: .run
        case .endpoint: .endpoint
        case .dataStore: .dataStore
        case .null: .null
        }
    }

    /// The endpoint field name, for an endpoint destination.
    public var endpointName: String? {
        if case .endpoint(let name) = self { name } else { nil }
    }

    /// The data-store path (or path template), for a data-store destination.
    public var dataStorePath: String? {
        if case .dataStore(let path) = self { path } else { nil }
    }

    /// The parameters as a JSON object (the store's encoding).
    public var parameters: [String: JSONValue] {
        switch self {
        case .run, .null: [:]
        case .endpoint(let name): ["name": .string(name)]
        case .dataStore(let path): ["path": .string(path)]
        }
    }

    /// Reads `parameters` back; nil when a parameter the kind needs is missing.
    public init?(kind: Kind, parameters: [String: JSONValue]) {
        switch kind {
        case .run: self = .run
        case .null: self = .null
        case .endpoint:
            guard let name = parameters["name"]?.stringValue else { return nil }
            self = .endpoint(name: name)
        case .dataStore:
            guard let path = parameters["path"]?.stringValue else { return nil }
            self = .dataStore(path: path)
        }
    }
}
