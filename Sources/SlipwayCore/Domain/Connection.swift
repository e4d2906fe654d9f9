import Foundation

/// A stored description of how to reach an external system (a bucket, a database, an API),
/// read by user code that moves data in or out. Slipway keeps the record; it does not connect.
///
/// Credentials do not belong in `details`: put them in a ``Secret`` and write a
/// ``SecretReference`` (`{"$secret": "<name>"}`) where the value would go.
public struct Connection: Sendable, Equatable, Codable {
    public var id: String
    /// DNS-style, unique on the server.
    public var name: String
    public var type: ConnectionType
    /// A JSON object of the settings the type needs (host, port, bucket…).
    public var details: JSONValue
    /// The workspaces that may use the connection (the initialiser sorts them and drops repeats).
    public var workspaceIDs: [String]
    public var createdAt: Date

    /// Largest accepted `details`, as compact JSON.
    public static let maximumDetailsBytes = 64 * 1024

    public init(id: String, name: String, type: ConnectionType, details: JSONValue, workspaceIDs: [String] = [],
                createdAt: Date) {
        self.id = id
        self.name = name
        self.type = type
        self.details = details
        self.workspaceIDs = Array(Set(workspaceIDs)).sorted()
        self.createdAt = createdAt
    }

    /// The secrets the details refer to, sorted.
    public var secretReferences: [SecretReference] {
        (try? SecretReference.references(in: details)) ?? []
    }

    /// The name follows the resource rule, `details` is a JSON object of at most
    /// ``maximumDetailsBytes`` whose secret references are well formed.
    public func validate() throws(SlipwayError) {
        try NameRules.validateResourceName(name, kind: "connection")
        guard details.objectValue != nil else { throw .badRequest("connection details must be a JSON object") }
        guard details.jsonData().count <= Self.maximumDetailsBytes else {
            throw .tooLarge("connection details must be at most \(Self.maximumDetailsBytes) bytes of JSON")
        }
        _ = try SecretReference.references(in: details)
    }
}
