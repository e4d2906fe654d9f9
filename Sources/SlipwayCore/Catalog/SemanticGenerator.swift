import Foundation

/// Makes an asset's semantic description from what is known about it, without I/O: the
/// asset's own fields and metadata, and for tracked models the run summary, the model manifest
/// (flavours, signature, run id) and the class the model file pickles.
///
/// Metadata keys read: `algorithm`, `implementation`, `framework`/`frameworks`,
/// `dataset`/`datasets`, `keywords`, `metrics` (object of numbers), `parameters` (object); other
/// scalar entries become `properties`. The algorithm is, in order: the metadata's, the run's
/// `estimator_name` or `algorithm` tag or parameter, the class the model file pickles. Run tags
/// are kept except the tracking client's bulky internal ones (`mlflow.log-model.history`…).
public struct SemanticGenerator: Sendable {
    public struct Inputs: Sendable {
        public var run: TrackedRunSummary?
        /// The parsed model manifest.
        public var manifest: JSONValue?
        /// The model file's pickled class.
        public var modelClass: (module: String, name: String)?

        public init(run: TrackedRunSummary? = nil, manifest: JSONValue? = nil, modelClass: (module: String, name: String)? = nil) {
            self.run = run
            self.manifest = manifest
            self.modelClass = modelClass
        }
    }

    /// Tags left out of descriptions: internal bookkeeping of the tracking client.
    static let internalTags: Set<String> = ["mlflow.log-model.history", "mlflow.source.git.commit", "mlflow.loggedArtifacts",
                                            "mlflow.autologging"]

    public init() {}

    public func describe(_ asset: CatalogAsset, _ inputs: Inputs, at now: Date) -> SemanticDescription {
        var description = SemanticDescription(title: asset.name, summary: asset.description,
                                              version: asset.version.isEmpty ? nil : asset.version,
                                              modelPath: asset.modelPath, sources: ["metadata"], generatedAt: now)
        let metadata = asset.metadata
        if let run = inputs.run {
            description.sources.append("tracked run")
            description.run = .init(runID: run.runID, experimentID: run.experimentID,
                                    experimentName: run.experimentName.isEmpty ? nil : run.experimentName,
                                    name: run.name.isEmpty ? nil : run.name, status: run.status)
            description.parameters = run.params
            description.metrics = run.metrics
            description.tags = run.tags.filter { !Self.internalTags.contains($0.key) }
            description.algorithm = run.tags["estimator_name"] ?? run.tags["algorithm"] ?? run.params["algorithm"]
            description.implementation = run.tags["estimator_class"]
            for key in ["dataset", "dataset_name"] {
                if let name = run.tags[key] ?? run.params[key] { description.datasets.append(name) }
            }
        }
        if let manifest = inputs.manifest?.objectValue {
            description.sources.append("model manifest")
            if let flavors = manifest["flavors"]?.objectValue {
                description.frameworks = flavors.keys.sorted()
                for (flavor, settings) in flavors.sorted(by: { $0.key < $1.key }) {
                    for (key, value) in settings.objectValue ?? [:] where key.hasSuffix("_version") {
                        if let text = Self.text(value) { description.properties["\(flavor).\(key)"] = text }
                    }
                }
            }
            if let signature = manifest["signature"]?.objectValue {
                description.inputs = Self.signatureFields(signature["inputs"])
                description.outputs = Self.signatureFields(signature["outputs"])
            }
            for key in ["mlflow_version", "model_id", "model_uuid"] {
                if let text = manifest[key].flatMap(Self.text) { description.properties[key] = text }
            }
        }
        if let modelClass = inputs.modelClass {
            description.sources.append("model file")
            description.algorithm = description.algorithm ?? modelClass.name
            description.implementation = description.implementation ?? "\(modelClass.module).\(modelClass.name)"
        }

        // The creator's metadata comes last: what they say wins.
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "algorithm": description.algorithm = Self.text(value) ?? description.algorithm
            case "implementation": description.implementation = Self.text(value) ?? description.implementation
            case "framework", "frameworks":
                description.frameworks = Self.union(description.frameworks, Self.texts(value))
            case "dataset", "datasets":
                description.datasets = Self.union(description.datasets, Self.texts(value))
            case "keywords", "keyword":
                description.keywords = Self.union(description.keywords, Self.texts(value))
            case "metrics":
                for (name, number) in value.objectValue ?? [:] {
                    if case .number(let number) = number { description.metrics[name] = number }
                }
            case "parameters", "params":
                for (name, setting) in value.objectValue ?? [:] {
                    if let text = Self.text(setting) { description.parameters[name] = text }
                }
            default:
                if let text = Self.text(value) { description.properties[key] = text }
            }
        }
        return description
    }

    /// Scalars as text (`3` for 3.0); nil for null, arrays and objects.
    public static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number): return SemanticQuery.shortText(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    static func texts(_ value: JSONValue) -> [String] {
        if let items = value.arrayValue { return items.compactMap(text) }
        return text(value).map { [$0] } ?? []
    }

    static func union(_ first: [String], _ second: [String]) -> [String] {
        var seen = Set<String>()
        return (first + second).filter { seen.insert($0).inserted }
    }

    /// The columns of a signature part: a JSON text (as manifests keep it) of
    /// `[{"name", "type"}]` or tensor specs `[{"type": "tensor", "tensor-spec": {"dtype"}}]`.
    static func signatureFields(_ value: JSONValue?) -> [SemanticDescription.SignatureField] {
        guard let text = value?.stringValue, let parsed = try? JSONValue.parse(text), let items = parsed.arrayValue else {
            return []
        }
        return items.compactMap { item in
            guard let object = item.objectValue, let type = object["type"]?.stringValue else { return nil }
            let dtype = object["tensor-spec"]?.objectValue?["dtype"]?.stringValue
            return .init(name: object["name"]?.stringValue, type: dtype.map { "\(type)<\($0)>" } ?? type)
        }
    }
}
