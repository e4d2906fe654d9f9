import Foundation

/// The JSON-LD rendering of a semantic description, in ML-Schema's terms:
/// the asset (`mls:Model`, `mls:Dataset`, or `mls:Run` for a training) is an output of a
/// `mls:Run` that `mls:realizes` an `mls:Algorithm`, `mls:executes` an `mls:Implementation`,
/// has `mls:HyperParameterSetting`s and data sets as inputs and `mls:ModelEvaluation`s (each
/// `mls:specifiedBy` an `mls:EvaluationMeasure`, with `mls:hasValue`) as outputs.
extension SemanticDescription {
    /// A whole JSON-LD document (`@context` and `@graph`) for asset `assetID` of `kind`.
    public func jsonLD(assetID: String, kind: CatalogAssetKind) -> JSONValue {
        .object(["@context": SemanticVocabulary.context, "@graph": .array(graphNodes(assetID: assetID, kind: kind))])
    }

    /// The nodes of the description, to embed in another graph.
    public func graphNodes(assetID: String, kind: CatalogAssetKind) -> [JSONValue] {
        let asset = SemanticVocabulary.assetIRI(assetID)
        var nodes: [JSONValue] = []
        var node: [String: JSONValue] = [
            "@id": .string(asset),
            "@type": .string(kind == .model ? "mls:Model" : kind == .dataset ? "mls:Dataset" : "mls:Run"),
            "dct:identifier": .string(assetID),
            "dct:title": .string(title),
            "slipway:kind": .string(kind.rawValue),
            "dct:modified": Self.dateTime(updatedAt),
        ]
        if let summary { node["dct:description"] = .string(summary) }
        if let version, !version.isEmpty { node["dct:hasVersion"] = .string(version) }
        if !frameworks.isEmpty { node["slipway:framework"] = .array(frameworks.map(JSONValue.string)) }
        if !keywords.isEmpty { node["ids:keyword"] = .array(keywords.map(JSONValue.string)) }
        if let modelPath { node["slipway:modelPath"] = .string(modelPath) }
        if let unresolved { node["slipway:unresolved"] = .string(unresolved) }
        if !tags.isEmpty { node["slipway:tag"] = .array(Self.pairs(tags, prefix: asset + "/tag/", nodes: &nodes)) }
        if !properties.isEmpty {
            node["slipway:property"] = .array(Self.pairs(properties, prefix: asset + "/property/", nodes: &nodes))
        }
        for (name, fields) in [("slipway:input", inputs), ("slipway:output", outputs)] where !fields.isEmpty {
            node[name] = .array(fields.map { field in
                var column: [String: JSONValue] = ["slipway:type": .string(field.type)]
                if let name = field.name { column["rdfs:label"] = .string(name) }
                return .object(column)
            })
        }

        let hasRun = run != nil || algorithm != nil || implementation != nil || !parameters.isEmpty
            || !metrics.isEmpty || !datasets.isEmpty
        if hasRun {
            let runIRI = kind == .training ? asset : run.map { SemanticVocabulary.runIRI($0.runID) } ?? asset + "/run"
            var runNode: [String: JSONValue] = kind == .training ? node : ["@id": .string(runIRI), "@type": .string("mls:Run")]
            if let run {
                runNode["slipway:runID"] = .string(run.runID)
                runNode["slipway:experimentID"] = .string(run.experimentID)
                if let name = run.experimentName { runNode["slipway:experimentName"] = .string(name) }
                if let name = run.name { runNode["rdfs:label"] = .string(name) }
                if let status = run.status { runNode["slipway:status"] = .string(status) }
            }
            var outputs: [JSONValue] = kind == .training ? [] : [.object(["@id": .string(asset)])]
            var inputs: [JSONValue] = []
            let algorithmIRI = algorithm.map { "urn:slipway:algorithm:" + SemanticVocabulary.iriSegment($0) }
            if let algorithm, let algorithmIRI {
                runNode["mls:realizes"] = .object(["@id": .string(algorithmIRI)])
                nodes.append(.object(["@id": .string(algorithmIRI), "@type": .string("mls:Algorithm"),
                                      "rdfs:label": .string(algorithm)]))
            }
            let implementationIRI = "urn:slipway:implementation:"
                + SemanticVocabulary.iriSegment(implementation ?? algorithm ?? assetID)
            if implementation != nil || !parameters.isEmpty {
                var implementationNode: [String: JSONValue] = ["@id": .string(implementationIRI),
                                                               "@type": .string("mls:Implementation")]
                if let implementation { implementationNode["rdfs:label"] = .string(implementation) }
                if let algorithmIRI { implementationNode["mls:implements"] = .object(["@id": .string(algorithmIRI)]) }
                var hyperParameters: [JSONValue] = []
                for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
                    let parameterIRI = implementationIRI + "/parameter/" + SemanticVocabulary.iriSegment(name)
                    let settingIRI = runIRI + "/setting/" + SemanticVocabulary.iriSegment(name)
                    hyperParameters.append(.object(["@id": .string(parameterIRI)]))
                    nodes.append(.object(["@id": .string(parameterIRI), "@type": .string("mls:HyperParameter"),
                                          "rdfs:label": .string(name)]))
                    nodes.append(.object(["@id": .string(settingIRI), "@type": .string("mls:HyperParameterSetting"),
                                          "mls:specifiedBy": .object(["@id": .string(parameterIRI)]),
                                          "mls:hasValue": .string(value)]))
                    inputs.append(.object(["@id": .string(settingIRI)]))
                }
                if !hyperParameters.isEmpty { implementationNode["mls:hasHyperParameter"] = .array(hyperParameters) }
                runNode["mls:executes"] = .object(["@id": .string(implementationIRI)])
                nodes.append(.object(implementationNode))
            }
            for name in datasets {
                let datasetIRI = name.count == 64 && name.allSatisfy(\.isHexDigit)
                    ? SemanticVocabulary.assetIRI(name) : "urn:slipway:dataset:" + SemanticVocabulary.iriSegment(name)
                inputs.append(.object(["@id": .string(datasetIRI)]))
                nodes.append(.object(["@id": .string(datasetIRI), "@type": .string("mls:Dataset"),
                                      "rdfs:label": .string(name)]))
            }
            for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
                let measureIRI = "urn:slipway:measure:" + SemanticVocabulary.iriSegment(name)
                let evaluationIRI = runIRI + "/evaluation/" + SemanticVocabulary.iriSegment(name)
                nodes.append(.object(["@id": .string(measureIRI), "@type": .string("mls:EvaluationMeasure"),
                                      "rdfs:label": .string(name)]))
                nodes.append(.object(["@id": .string(evaluationIRI), "@type": .string("mls:ModelEvaluation"),
                                      "mls:specifiedBy": .object(["@id": .string(measureIRI)]),
                                      "mls:hasValue": .object(["@value": .number(value), "@type": .string("xsd:double")])]))
                outputs.append(.object(["@id": .string(evaluationIRI)]))
            }
            if !inputs.isEmpty { runNode["mls:hasInput"] = .array(inputs) }
            if !outputs.isEmpty { runNode["mls:hasOutput"] = .array(outputs) }
            if kind == .training {
                node = runNode
            } else {
                nodes.insert(.object(runNode), at: 0)
            }
        }
        nodes.insert(.object(node), at: 0)
        return nodes
    }

    static func dateTime(_ date: Date) -> JSONValue {
        .object(["@value": .string(RFC3339Time.string(from: date)), "@type": .string("xsd:dateTime")])
    }

    /// Name/value pairs as nodes of their own (`rdfs:label`, `slipway:value`).
    private static func pairs(_ values: [String: String], prefix: String, nodes: inout [JSONValue]) -> [JSONValue] {
        values.sorted(by: { $0.key < $1.key }).map { name, value in
            let iri = prefix + SemanticVocabulary.iriSegment(name)
            nodes.append(.object(["@id": .string(iri), "rdfs:label": .string(name), "slipway:value": .string(value)]))
            return .object(["@id": .string(iri)])
        }
    }
}
