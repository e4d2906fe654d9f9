import Foundation

/// `{"type": "endpoint"}`, `{"type": "schedule", "cron": "0 * * * *"}`,
/// `{"type": "data_store_event", "prefix": "incoming/", "glob": "*.csv"}`, `{"type": "manual"}`.
/// Decoding validates like ``Trigger/validate()``.
extension Trigger: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, cron, prefix, glob
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "endpoint": self = .endpoint
        case "manual": self = .manual
        case "schedule": self = .schedule(try container.decode(CronExpression.self, forKey: .cron))
        case "data_store_event":
            self = .dataStoreEvent(prefix: try container.decode(String.self, forKey: .prefix),
                                   glob: try container.decode(GlobPattern.self, forKey: .glob))
            do { try validate() } catch {
                throw DecodingError.dataCorruptedError(forKey: .prefix, in: container, debugDescription: error.message)
            }
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "unknown trigger type '\(NameRules.printable(other))'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .type)
        switch self {
        case .endpoint, .manual: break
        case .schedule(let cron): try container.encode(cron, forKey: .cron)
        case .dataStoreEvent(let prefix, let glob):
            try container.encode(prefix, forKey: .prefix)
            try container.encode(glob, forKey: .glob)
        }
    }
}
