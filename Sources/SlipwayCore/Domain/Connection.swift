import Foundation

/// A stored description of how to reach an external system (a bucket, a database, an API),
/// read by user code that moves data in or out. Slipway keeps the record; it does not connect.
///
/// The details (a JSON object of whatever the type needs: host, port, user, password…) are
/// kept only sealed (`SecretSealer`, bound to the connection's id), shown masked
/// (``masked(_:)``) and opened only for the code of a workspace the connection is attached to.
/// A value may also be a ``SecretReference`` (`{"$secret": "<name>"}`), resolved from that
/// workspace's secrets when the code asks for the details.
public struct Connection: Sendable, Equatable {
    public var id: String
    /// DNS-style, unique on the server.
    public var name: String
    public var type: ConnectionType
    /// The details as compact JSON, sealed (base64 of AES-GCM nonce, ciphertext and tag).
    public var sealedDetails: String
    /// Which server key sealed the details.
    public var keyID: String
    public var createdBy: String
    /// The workspaces that may use the connection (the initialiser sorts them and drops repeats).
    public var workspaceIDs: [String]
    public var createdAt: Date
    public var updatedAt: Date

    /// Largest accepted `details`, as compact JSON.
    public static let maximumDetailsBytes = 64 * 1024

    public init(id: String, name: String, type: ConnectionType, sealedDetails: String, keyID: String, createdBy: String,
                workspaceIDs: [String] = [], createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.type = type
        self.sealedDetails = sealedDetails
        self.keyID = keyID
        self.createdBy = createdBy
        self.workspaceIDs = Array(Set(workspaceIDs)).sorted()
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// What the sealed details are bound to: details copied to another connection do not open.
    public static func sealingContext(id: String) -> String { "connection\u{0}\(id)" }

    /// The name follows the resource rule.
    public static func validateName(_ name: String) throws(SlipwayError) {
        try NameRules.validateResourceName(name, kind: "connection")
    }

    /// `details` is a JSON object of at most ``maximumDetailsBytes`` whose secret references
    /// are well formed; returns those references, sorted.
    @discardableResult
    public static func validateDetails(_ details: JSONValue) throws(SlipwayError) -> [SecretReference] {
        guard details.objectValue != nil else { throw .badRequest("connection details must be a JSON object") }
        guard details.jsonData().count <= maximumDetailsBytes else {
            throw .tooLarge("connection details must be at most \(maximumDetailsBytes) bytes of JSON")
        }
        return try SecretReference.references(in: details)
    }

    /// The details as listings show them: the same keys and nesting, every string, number and
    /// boolean replaced by its masked text (`ModelRegistryConnection.maskedToken`: asterisks and
    /// at most the last four characters), secret references and nulls kept as they are.
    public static func masked(_ details: JSONValue) -> JSONValue {
        if SecretReference(json: details) != nil { return details }
        switch details {
        case .object(let object): return .object(object.mapValues(masked))
        case .array(let values): return .array(values.map(masked))
        case .null: return .null
        case .string(let text): return .string(ModelRegistryConnection.maskedToken(text))
        case .number, .bool: return .string(ModelRegistryConnection.maskedToken(details.jsonString()))
        }
    }
}

extension Connection: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "Connection(name: \(name), type: \(type.rawValue), workspaces: \(workspaceIDs.count), sealed details)"
    }

    public var debugDescription: String { description }

    /// `dump` and debuggers see the metadata, not the sealed details.
    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "name": name, "type": type.rawValue, "keyID": keyID, "createdBy": createdBy,
                                "workspaceIDs": workspaceIDs, "createdAt": createdAt, "updatedAt": updatedAt],
               displayStyle: .struct)
    }
}
