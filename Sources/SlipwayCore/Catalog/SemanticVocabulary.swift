import Foundation

/// The fixed vocabulary of semantic descriptions, resource descriptions and semantic queries:
/// namespaces, and the query keys with the RDF terms they stand for. Documented in the
/// catalog's API document.
public enum SemanticVocabulary {
    public static let mls = "http://www.w3.org/ns/mls#"
    public static let ids = "https://w3id.org/idsa/core/"
    public static let idsCode = "https://w3id.org/idsa/code/"
    public static let dct = "http://purl.org/dc/terms/"
    public static let rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    public static let xsd = "http://www.w3.org/2001/XMLSchema#"
    /// Slipway's own terms (kind, framework, model path, signature, tags, properties).
    public static let slipway = "urn:slipway:vocab#"

    /// The JSON-LD context every document uses.
    public static var context: JSONValue {
        .object(["mls": .string(mls), "ids": .string(ids), "idsc": .string(idsCode), "dct": .string(dct),
                 "rdfs": .string(rdfs), "xsd": .string(xsd), "slipway": .string(slipway)])
    }

    /// Query keys: a fixed name, or a prefix followed by a name of the asset's own (`metrics.accuracy`).
    public enum Key: Sendable, Equatable {
        case kind, title, version, algorithm, implementation, framework, dataset, keyword, runID, experimentID, modelPath
        case metric(String), parameter(String), tag(String), property(String)
    }

    /// The query key a text names; fixed keys also answer to the RDF term they stand for.
    public static func key(named text: String) -> Key? {
        let lowered = text.lowercased()
        for (prefix, make) in [("metrics.", Key.metric), ("params.", Key.parameter), ("tags.", Key.tag),
                               ("properties.", Key.property)] as [(String, (String) -> Key)]
        where lowered.hasPrefix(prefix) && text.count > prefix.count {
            return make(String(text.dropFirst(prefix.count)))
        }
        switch lowered {
        case "kind", "rdf:type", "@type": return .kind
        case "title", "name", "dct:title", "ids:title": return .title
        case "version", "dct:hasversion", "ids:version": return .version
        case "algorithm", "mls:algorithm", "mls:realizes": return .algorithm
        case "implementation", "mls:implementation", "mls:executes": return .implementation
        case "framework", "flavor", "flavour", "slipway:framework": return .framework
        case "dataset", "mls:dataset", "mls:hasinput": return .dataset
        case "keyword", "ids:keyword": return .keyword
        case "run_id", "run": return .runID
        case "experiment_id", "experiment": return .experimentID
        case "model_path", "slipway:modelpath": return .modelPath
        default: return nil
        }
    }

    /// The documented keys, for error messages and the API document.
    public static let documentedKeys = [
        "kind", "title", "version", "algorithm", "implementation", "framework", "dataset", "keyword", "run_id",
        "experiment_id", "model_path", "metrics.<name>", "params.<name>", "tags.<name>", "properties.<name>",
    ]

    /// `text` with every character outside RFC 3986's unreserved set percent-encoded, for IRIs.
    static func iriSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    public static func assetIRI(_ id: String) -> String { "urn:slipway:asset:\(id)" }
    public static func runIRI(_ id: String) -> String { "urn:slipway:run:\(iriSegment(id))" }
}
