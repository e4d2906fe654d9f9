import Foundation

/// Data-space connectors and the resources shared through them. A connector belongs to the
/// workspace it was added in (its id, the connector's URI, is unique there); a resource links
/// an asset and a connector of the same workspace; registering a resource makes its IDS
/// resource description, with the asset's semantic description embedded.
extension AssetCatalogService {
    public struct ConnectorDraft: Sendable, Equatable {
        public var id: String
        public var name: String
        public var type: String
        public var description: String?
        public var publicKey: String?
        public var accessURL: String?
        public var reverseProxyURL: String?

        public init(id: String, name: String, type: String = "ids:BaseConnector", description: String? = nil,
                    publicKey: String? = nil, accessURL: String? = nil, reverseProxyURL: String? = nil) {
            self.id = id
            self.name = name
            self.type = type
            self.description = description
            self.publicKey = publicKey
            self.accessURL = accessURL
            self.reverseProxyURL = reverseProxyURL
        }
    }

    public func addConnector(_ draft: ConnectorDraft, in workspaceID: String, by user: User) async throws -> DataspaceConnector {
        try await requireMember(user, workspaceID)
        try Self.validateIRI(draft.id, field: "id")
        guard NameRules.isPrintableLabel(draft.name, maximumBytes: 255) else {
            throw SlipwayError.badRequest("name must be 1 to 255 characters without control characters")
        }
        guard NameRules.isPrintableLabel(draft.type, maximumBytes: 255), !draft.type.contains(" ") else {
            throw SlipwayError.badRequest("type must be an IDS connector class such as 'ids:BaseConnector'")
        }
        if let description = draft.description, description.utf8.count > 10_000 {
            throw SlipwayError.badRequest("description must be at most 10000 bytes")
        }
        if let key = draft.publicKey, key.utf8.count > 16_384 || key.contains(where: { $0.isWhitespace }) {
            throw SlipwayError.badRequest("public_key must be at most 16384 characters without spaces")
        }
        for (field, value) in [("access_url", draft.accessURL), ("reverse_proxy_url", draft.reverseProxyURL)] {
            if let value { try Self.validateURL(value, field: field) }
        }
        guard try await store.dataspaceConnector(workspaceID: workspaceID, id: draft.id) == nil else {
            throw SlipwayError.conflict("connector '\(NameRules.printable(draft.id))' already exists")
        }
        let connector = DataspaceConnector(
            id: draft.id, workspaceID: workspaceID, name: draft.name, type: draft.type, description: draft.description,
            publicKey: draft.publicKey, accessURL: draft.accessURL, reverseProxyURL: draft.reverseProxyURL,
            createdAt: now(), createdBy: user.id)
        try await store.insertDataspaceConnector(connector)
        return connector
    }

    /// The connectors the caller can see, oldest first.
    public func connectors(for user: User) async throws -> [DataspaceConnector] {
        try await store.dataspaceConnectors(workspaceIDs: try await accounts.workspaceIDs(of: user.id))
    }

    /// A connector of `workspaceID` (the caller's), else one of another of their workspaces.
    public func connector(id: String, preferring workspaceID: String, for user: User) async throws -> DataspaceConnector {
        if try await accounts.member(userID: user.id, workspaceID: workspaceID) != nil,
           let connector = try await store.dataspaceConnector(workspaceID: workspaceID, id: id) {
            return connector
        }
        guard let connector = try await connectors(for: user).first(where: { $0.id == id }) else {
            throw SlipwayError.notFound("connector", NameRules.printable(id))
        }
        return connector
    }

    /// Deletes a connector no resource uses.
    public func deleteConnector(id: String, preferring workspaceID: String, for user: User) async throws -> DataspaceConnector {
        let connector = try await connector(id: id, preferring: workspaceID, for: user)
        let users = try await store.dataspaceResources(workspaceID: connector.workspaceID, connectorID: connector.id)
        guard users.isEmpty else {
            throw SlipwayError.conflict("connector '\(NameRules.printable(id))' is used by \(users.count) resource(s)")
        }
        _ = try await store.deleteDataspaceConnector(workspaceID: connector.workspaceID, id: connector.id)
        return connector
    }

    public struct ResourceDraft: Sendable, Equatable {
        public var id: String?
        public var assetID: String
        public var connectorID: String
        public var kind: CatalogAssetKind?
        public var timestamp: String?

        public init(id: String? = nil, assetID: String, connectorID: String, kind: CatalogAssetKind? = nil,
                    timestamp: String? = nil) {
            self.id = id
            self.assetID = assetID
            self.connectorID = connectorID
            self.kind = kind
            self.timestamp = timestamp
        }
    }

    /// Prepares an asset for sharing through a connector of the asset's workspace. Only models
    /// can be shared for now; a given `kind` must be the asset's.
    public func createResource(_ draft: ResourceDraft, by user: User) async throws -> DataspaceResource {
        let asset = try await asset(id: draft.assetID, kind: nil, for: user)
        if let kind = draft.kind, kind != asset.kind {
            throw SlipwayError.badRequest("asset '\(asset.id)' is a \(asset.kind.rawValue), not a \(kind.rawValue)")
        }
        guard asset.kind == .model else {
            throw SlipwayError.badRequest("only models can be shared as resources for now; asset '\(asset.id)' is a \(asset.kind.rawValue)")
        }
        guard try await store.dataspaceConnector(workspaceID: asset.workspaceID, id: draft.connectorID) != nil else {
            throw SlipwayError.notFound("connector", NameRules.printable(draft.connectorID))
        }
        if let timestamp = draft.timestamp {
            guard timestamp.utf8.count <= 64, Self.parseTimestamp(timestamp) != nil else {
                throw SlipwayError.badRequest("timestamp '\(NameRules.printable(timestamp))' is not an ISO 8601 date and time")
            }
        }
        let id: String
        if let given = draft.id {
            id = try SHA256Hex(given).value
            guard try await store.dataspaceResource(id: id) == nil else {
                throw SlipwayError.conflict("resource '\(id)' already exists")
            }
        } else {
            id = Self.newID()
        }
        let resource = DataspaceResource(id: id, workspaceID: asset.workspaceID, assetID: asset.id,
                                         connectorID: draft.connectorID, kind: asset.kind, timestamp: draft.timestamp,
                                         createdAt: now(), createdBy: user.id)
        try await store.insertDataspaceResource(resource)
        return resource
    }

    public func resource(id: String, for user: User) async throws -> DataspaceResource {
        guard let digest = try? SHA256Hex(id) else {
            throw SlipwayError.badRequest("resource id '\(NameRules.printable(id))' is not 64 hexadecimal digits")
        }
        guard let resource = try await store.dataspaceResource(id: digest.value),
              try await accounts.member(userID: user.id, workspaceID: resource.workspaceID) != nil
        else { throw SlipwayError.notFound("resource", digest.value) }
        return resource
    }

    public func resources(for user: User) async throws -> [DataspaceResource] {
        try await store.dataspaceResources(workspaceIDs: try await accounts.workspaceIDs(of: user.id))
    }

    public struct RegistrationDraft: Sendable, Equatable {
        public var title: String
        public var description: String?
        public var keywords: [String]
        public var catalogID: String?

        public init(title: String, description: String? = nil, keywords: [String] = [], catalogID: String? = nil) {
            self.title = title
            self.description = description
            self.keywords = keywords
            self.catalogID = catalogID
        }
    }

    /// Registers a resource for sharing: makes (again) its IDS resource description from the
    /// asset's current semantic description and keeps it with the resource.
    public func registerResource(id: String, _ draft: RegistrationDraft, by user: User) async throws -> DataspaceResource {
        var resource = try await resource(id: id, for: user)
        guard NameRules.isPrintableLabel(draft.title, maximumBytes: 255) else {
            throw SlipwayError.badRequest("title must be 1 to 255 characters without control characters")
        }
        if let description = draft.description, description.utf8.count > 10_000 {
            throw SlipwayError.badRequest("description must be at most 10000 bytes")
        }
        guard draft.keywords.count <= 100, draft.keywords.allSatisfy({ NameRules.isPrintableLabel($0, maximumBytes: 255) }) else {
            throw SlipwayError.badRequest("keywords must be at most 100 texts of 1 to 255 characters")
        }
        if let catalog = draft.catalogID { try Self.validateIRI(catalog, field: "catalog_id") }
        guard let asset = try await store.catalogAsset(id: resource.assetID) else {
            throw SlipwayError.notFound("asset", resource.assetID)
        }
        guard let connector = try await store.dataspaceConnector(workspaceID: resource.workspaceID, id: resource.connectorID)
        else { throw SlipwayError.notFound("connector", NameRules.printable(resource.connectorID)) }
        let semantics: SemanticDescription
        if let stored = asset.semantics { semantics = stored } else { semantics = try await describe(asset) }
        var registration = DataspaceResource.Registration(
            title: draft.title, description: draft.description, keywords: draft.keywords, catalogID: draft.catalogID,
            registeredAt: now(), document: .null)
        registration.document = ResourceDescriptionBuilder.document(resource: resource, registration: registration,
                                                                    asset: asset, connector: connector, semantics: semantics)
        resource.registration = registration
        guard try await store.updateDataspaceResource(resource) else { throw SlipwayError.notFound("resource", resource.id) }
        return resource
    }

    /// An absolute IRI (`scheme:rest`, e.g. `https://…` or `urn:…`) without spaces.
    static func validateIRI(_ text: String, field: String) throws(SlipwayError) {
        guard text.utf8.count <= 2048, let colon = text.firstIndex(of: ":"), colon != text.startIndex,
              text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
              text[..<colon].first?.isLetter == true, text.index(after: colon) < text.endIndex,
              !text.contains(where: { $0.isWhitespace || "<>\"{}|\\^`".contains($0) || $0.asciiValue.map { $0 < 32 } == true })
        else { throw .badRequest("\(field) '\(NameRules.printable(text))' must be an absolute IRI such as https://example.org/connector") }
    }

    static func validateURL(_ text: String, field: String) throws(SlipwayError) {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              components.host?.isEmpty == false
        else { throw .badRequest("\(field) '\(NameRules.printable(text))' must be an http or https URL") }
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let withZone = ISO8601DateFormatter()
        withZone.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = withZone.date(from: text) ?? plain.date(from: text) { return date }
        // Without a zone (Python's isoformat()): read as UTC.
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss"] {
            local.dateFormat = format
            if let date = local.date(from: text) { return date }
        }
        return nil
    }
}
