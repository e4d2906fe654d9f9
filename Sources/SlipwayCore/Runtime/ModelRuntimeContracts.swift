import Foundation

/// What an uploaded model artifact turned out to be.
public struct ModelArtifactFacts: Sendable, Equatable {
    /// Graph input and output names, where the format declares them (ONNX).
    public var inputNames: [String]
    public var outputNames: [String]
    /// Requirements the artifact brings (a BYOP archive's `requirements.txt`).
    public var requirements: String?

    public init(inputNames: [String] = [], outputNames: [String] = [], requirements: String? = nil) {
        self.inputNames = inputNames
        self.outputNames = outputNames
        self.requirements = requirements
    }
}

/// How a model version runs in a resident worker: the code the worker loads and the variables
/// that point it at the model.
public struct ModelServingCode: Sendable, Equatable {
    public var codeDirectory: URL
    public var functionPath: String
    public var functionName: String
    public var environment: [String: String]

    public init(codeDirectory: URL, functionPath: String, functionName: String, environment: [String: String]) {
        self.codeDirectory = codeDirectory
        self.functionPath = functionPath
        self.functionName = functionName
        self.environment = environment
    }
}

/// Model artifacts on this machine: checking uploads, the environment each framework needs, and
/// the local copy a model worker loads.
public protocol ModelArtifacts: Sendable {
    /// Checks the artifact in `file` for `framework`; a `badRequest` says what is wrong with it.
    func inspect(file: URL, framework: ModelFramework) async throws -> ModelArtifactFacts
    /// Why this version cannot be served here (its framework or packaging has no runtime), or
    /// nil when it can.
    func servingRefusal(for version: ModelVersion) -> String?
    /// The environment a version runs in: the framework's pinned libraries plus its own requirements.
    func environmentSpec(for version: ModelVersion) throws -> EnvironmentSpec
    /// Prepares the version's local copy (exported from the blob store, unpacked when an archive).
    func servingCode(for version: ModelVersion, modelName: String, blobs: any BlobStore) async throws -> ModelServingCode
}

/// Caps the CPU time of worker processes, where the operating system lets this process do it.
public protocol CPULimiter: Sendable {
    /// Puts `pid` under a limit of `cpus` cores, in a group named `key` (replacing an earlier
    /// process of that key). Returns why no limit applies, or nil when it does.
    func limit(pid: Int32, cpus: Double, key: String) -> String?
    /// Removes the group of `key` once its processes are gone.
    func release(key: String)
}
