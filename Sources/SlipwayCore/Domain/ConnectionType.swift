import Foundation

/// The kind of external system a ``Connection`` reaches.
///
/// The raw value round-trips exactly: a known name in its canonical lowercase spelling is its
/// case, any other text (including another spelling such as `S3`) is kept verbatim in
/// ``other(_:)``. Equality compares raw values.
public enum ConnectionType: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    case s3
    case gcs
    case azureBlob
    case http
    case postgresql
    case mysql
    case bigQuery
    case snowflake
    case kafka
    case other(String)

    public static let known: [ConnectionType] = [.s3, .gcs, .azureBlob, .http, .postgresql, .mysql, .bigQuery,
                                                 .snowflake, .kafka]

    /// Nil for empty text, text longer than 128 bytes or containing control characters.
    public init?(rawValue: String) {
        guard !rawValue.isEmpty, rawValue.utf8.count <= 128,
              !rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        self = ConnectionType.known.first { $0.rawValue == rawValue } ?? .other(rawValue)
    }

    public var rawValue: String {
        switch self {
        case .s3: "s3"
        case .gcs: "gcs"
        case .azureBlob: "azure_blob"
        case .http: "http"
        case .postgresql: "postgresql"
        case .mysql: "mysql"
        case .bigQuery: "bigquery"
        case .snowflake: "snowflake"
        case .kafka: "kafka"
        case .other(let name): name
        }
    }

    public var description: String { rawValue }

    public static func == (lhs: ConnectionType, rhs: ConnectionType) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let type = ConnectionType(rawValue: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid connection type")
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
