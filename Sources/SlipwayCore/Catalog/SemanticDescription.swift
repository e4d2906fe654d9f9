import Foundation

/// The semantic description of a catalog asset in Slipway's fixed vocabulary (ML-Schema's
/// `mls:` terms plus a few of Slipway's own): what the asset is, the algorithm and
/// implementation that made it, their hyper-parameter settings, evaluation measures, data sets
/// used, frameworks (flavours), signature and keywords. Generated from the asset's metadata and
/// its tracked run, changed by updates, rendered as JSON-LD (`jsonLD()`), and what semantic
/// queries (`SemanticQuery`) are evaluated against.
public struct SemanticDescription: Sendable, Equatable, Codable {
    /// The run that produced the asset, as the tracking store knows it.
    public struct RunReference: Sendable, Equatable, Codable {
        public var runID: String
        public var experimentID: String
        public var experimentName: String?
        public var name: String?
        public var status: String?

        public init(runID: String, experimentID: String, experimentName: String? = nil, name: String? = nil,
                    status: String? = nil) {
            self.runID = runID
            self.experimentID = experimentID
            self.experimentName = experimentName
            self.name = name
            self.status = status
        }
    }

    /// One column or tensor of a model signature.
    public struct SignatureField: Sendable, Equatable, Codable {
        public var name: String?
        public var type: String

        public init(name: String?, type: String) {
            self.name = name
            self.type = type
        }
    }

    public var title: String
    public var summary: String?
    public var version: String?
    /// The algorithm's short name (`KNeighborsClassifier`).
    public var algorithm: String?
    /// The implementation's full name (`sklearn.neighbors._classification.KNeighborsClassifier`).
    public var implementation: String?
    /// Frameworks or model flavours (`sklearn`, `python_function`).
    public var frameworks: [String]
    public var parameters: [String: String]
    public var metrics: [String: Double]
    public var tags: [String: String]
    /// Names (or catalog ids) of the data sets used.
    public var datasets: [String]
    public var keywords: [String]
    /// Further scalar metadata of the asset, as text.
    public var properties: [String: String]
    public var run: RunReference?
    public var modelPath: String?
    public var inputs: [SignatureField]
    public var outputs: [SignatureField]
    /// What the description was made from: `metadata`, `tracked run`, `model manifest`,
    /// `model file`, `update`.
    public var sources: [String]
    /// Why the tracked model could not be read (no such run, no tracking store, server down),
    /// nil when it was read or there is none; generating again retries.
    public var unresolved: String?
    public var generatedAt: Date
    public var updatedAt: Date

    public init(title: String, summary: String? = nil, version: String? = nil, algorithm: String? = nil,
                implementation: String? = nil, frameworks: [String] = [], parameters: [String: String] = [:],
                metrics: [String: Double] = [:], tags: [String: String] = [:], datasets: [String] = [],
                keywords: [String] = [], properties: [String: String] = [:], run: RunReference? = nil,
                modelPath: String? = nil, inputs: [SignatureField] = [], outputs: [SignatureField] = [],
                sources: [String] = [], generatedAt: Date, updatedAt: Date? = nil) {
        self.title = title
        self.summary = summary
        self.version = version
        self.algorithm = algorithm
        self.implementation = implementation
        self.frameworks = frameworks
        self.parameters = parameters
        self.metrics = metrics
        self.tags = tags
        self.datasets = datasets
        self.keywords = keywords
        self.properties = properties
        self.run = run
        self.modelPath = modelPath
        self.inputs = inputs
        self.outputs = outputs
        self.sources = sources
        self.generatedAt = generatedAt
        self.updatedAt = updatedAt ?? generatedAt
    }
}
