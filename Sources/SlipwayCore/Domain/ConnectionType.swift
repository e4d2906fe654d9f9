import Foundation

/// The kind of external system a ``Connection`` reaches.
///
/// Raw values round-trip exactly (see ``OpenNameSet``).
public enum ConnectionType: OpenNameSet {
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
}
