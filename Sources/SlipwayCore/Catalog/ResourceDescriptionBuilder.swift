import Foundation

/// The IDS Information Model description of a shared resource (JSON-LD, `ids:` terms): an
/// `ids:Resource` with its title, description, keywords and creation date, offered in an
/// `ids:ResourceCatalog`, with an `ids:Representation` whose `ids:instance` is the
/// `ids:Artifact` of the asset's files, and an `ids:ContractOffer` of the connector
/// (permission to use the artifact). The asset's semantic description is embedded: the
/// resource `slipway:describes` the asset node, whose ML-Schema nodes are in the same graph.
public enum ResourceDescriptionBuilder {
    public static func document(resource: DataspaceResource, registration: DataspaceResource.Registration,
                                asset: CatalogAsset, connector: DataspaceConnector,
                                semantics: SemanticDescription) -> JSONValue {
        let resourceIRI = "urn:slipway:resource:\(resource.id)"
        let representationIRI = resourceIRI + "/representation"
        let artifactIRI = resourceIRI + "/artifact"
        let offerIRI = resourceIRI + "/contract-offer"
        let created = SemanticDescription.dateTime(registration.registeredAt)
        func text(_ value: String) -> JSONValue { .object(["@value": .string(value), "@language": .string("en")]) }

        var resourceNode: [String: JSONValue] = [
            "@id": .string(resourceIRI), "@type": .string("ids:Resource"),
            "ids:title": .array([text(registration.title)]),
            "ids:keyword": .array(registration.keywords.map(text)),
            "ids:created": created, "ids:modified": created,
            "ids:publisher": .object(["@id": .string(connector.id)]),
            "ids:sovereign": .object(["@id": .string(connector.id)]),
            "ids:representation": .array([.object(["@id": .string(representationIRI)])]),
            "ids:contractOffer": .array([.object(["@id": .string(offerIRI)])]),
            "slipway:describes": .object(["@id": .string(SemanticVocabulary.assetIRI(asset.id))]),
            "slipway:kind": .string(asset.kind.rawValue),
        ]
        if let description = registration.description { resourceNode["ids:description"] = .array([text(description)]) }
        if !asset.version.isEmpty { resourceNode["ids:version"] = .string(asset.version) }

        let fileName = asset.modelPath.map { path in
            path.split(separator: "/").last.map(String.init) ?? path
        } ?? asset.name
        var artifactNode: [String: JSONValue] = [
            "@id": .string(artifactIRI), "@type": .string("ids:Artifact"),
            "ids:fileName": .string(fileName), "ids:creationDate": SemanticDescription.dateTime(asset.createdAt),
        ]
        if let path = asset.modelPath { artifactNode["slipway:modelPath"] = .string(path) }

        var nodes: [JSONValue] = [
            .object(resourceNode),
            .object(["@id": .string(representationIRI), "@type": .string("ids:Representation"),
                     "ids:instance": .array([.object(["@id": .string(artifactIRI)])]),
                     "ids:mediaType": .object(["@type": .string("ids:IANAMediaType"),
                                               "ids:filenameExtension": .string(asset.kind == .model ? "mlmodel" : "bin")]),
                     "ids:created": created]),
            .object(artifactNode),
            .object(["@id": .string(offerIRI), "@type": .string("ids:ContractOffer"),
                     "ids:provider": .object(["@id": .string(connector.id)]),
                     "ids:contractDate": created, "ids:contractStart": created,
                     "ids:permission": .array([.object([
                        "@type": .string("ids:Permission"),
                        "ids:action": .array([.object(["@id": .string("idsc:USE")])]),
                        "ids:target": .object(["@id": .string(artifactIRI)]),
                        "ids:assigner": .array([.object(["@id": .string(connector.id)])]),
                     ])])]),
        ]
        var connectorNode: [String: JSONValue] = [
            "@id": .string(connector.id), "@type": .string(connector.type.hasPrefix("ids:") ? connector.type : "ids:BaseConnector"),
            "ids:title": .array([text(connector.name)]),
        ]
        if let description = connector.description { connectorNode["ids:description"] = .array([text(description)]) }
        if let url = connector.accessURL {
            connectorNode["ids:hasDefaultEndpoint"] = .object(["@type": .string("ids:ConnectorEndpoint"),
                                                               "ids:accessURL": .object(["@id": .string(url)])])
        }
        if let catalog = registration.catalogID {
            nodes.append(.object(["@id": .string(catalog), "@type": .string("ids:ResourceCatalog"),
                                  "ids:offeredResource": .array([.object(["@id": .string(resourceIRI)])])]))
            connectorNode["ids:resourceCatalog"] = .array([.object(["@id": .string(catalog)])])
        }
        nodes.append(.object(connectorNode))
        nodes += semantics.graphNodes(assetID: asset.id, kind: asset.kind)
        return .object(["@context": SemanticVocabulary.context, "@graph": .array(nodes)])
    }
}
