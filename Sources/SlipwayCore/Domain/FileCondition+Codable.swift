import Foundation

/// The stored form: `{"all": […]}`, `{"any": […]}`, `{"path": "glob"}`, `{"category": "…"}`,
/// `{"label": "name", "value": "…"}` (value optional), `{"metadata": "key", "value": "…"}`.
extension FileCondition: Codable {
    private enum Key: String, CodingKey {
        case all, any, path, category, label, metadata, value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let conditions = try container.decodeIfPresent([FileCondition].self, forKey: .all) {
            self = .all(conditions)
        } else if let conditions = try container.decodeIfPresent([FileCondition].self, forKey: .any) {
            self = .any(conditions)
        } else if let pattern = try container.decodeIfPresent(String.self, forKey: .path) {
            do { self = .path(try GlobPattern(pattern)) } catch {
                throw DecodingError.dataCorruptedError(forKey: .path, in: container, debugDescription: error.message)
            }
        } else if let category = try container.decodeIfPresent(String.self, forKey: .category) {
            self = .category(category)
        } else if let name = try container.decodeIfPresent(String.self, forKey: .label) {
            self = .label(name: name, value: try container.decodeIfPresent(String.self, forKey: .value))
        } else if let key = try container.decodeIfPresent(String.self, forKey: .metadata) {
            self = .metadata(key: key, value: try container.decode(String.self, forKey: .value))
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a file condition"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .all(let conditions): try container.encode(conditions, forKey: .all)
        case .any(let conditions): try container.encode(conditions, forKey: .any)
        case .path(let glob): try container.encode(glob.pattern, forKey: .path)
        case .category(let category): try container.encode(category, forKey: .category)
        case .label(let name, let value):
            try container.encode(name, forKey: .label)
            try container.encodeIfPresent(value, forKey: .value)
        case .metadata(let key, let value):
            try container.encode(key, forKey: .metadata)
            try container.encode(value, forKey: .value)
        }
    }
}
