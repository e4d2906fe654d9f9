import Foundation

/// What an environment must contain: content-addressed by all its fields.
public struct EnvironmentSpec: Sendable, Equatable {
    public var pythonVersion: String
    public var requirements: String
    public var systemDependencies: [String]
    /// A shell script run once in the new environment after its requirements are installed.
    public var setup: EnvironmentSetup?

    public init(pythonVersion: String, requirements: String, systemDependencies: [String], setup: EnvironmentSetup? = nil) {
        self.pythonVersion = pythonVersion
        self.requirements = requirements
        self.systemDependencies = systemDependencies.sorted()
        self.setup = setup
    }
}

/// A package's own build script (`sh -e`), run with the environment's `bin` first on `PATH`
/// (with `pip` in it) in the package's code folder, never as root: when the server runs as
/// root it runs as the unprivileged worker user. The environment it builds belongs to that
/// package alone (its code digest is part of the key), as the script may change the code.
public struct EnvironmentSetup: Sendable, Equatable {
    public var script: String
    public var workingDirectory: URL
    /// SHA-256 of the package's code.
    public var codeDigest: String

    public init(script: String, workingDirectory: URL, codeDigest: String) {
        self.script = script
        self.workingDirectory = workingDirectory
        self.codeDigest = codeDigest
    }
}

/// A built environment: its content address and its interpreter.
public struct EnvironmentHandle: Sendable, Equatable {
    public var key: String
    public var pythonExecutable: String

    public init(key: String, pythonExecutable: String) {
        self.key = key
        self.pythonExecutable = pythonExecutable
    }
}

/// Builds and finds Python environments.
public protocol EnvironmentProvider: Sendable {
    /// `major.minor` versions that can be used.
    func availablePythonVersions() -> [String]
    /// The version used when a step does not name one.
    var defaultPythonVersion: String { get }
    /// Rejects what cannot be honoured here (version or system package not installed).
    func validate(_ spec: EnvironmentSpec) async throws(SlipwayError)
    /// Builds the environment once (concurrent callers share the build); `log` gets build output.
    func ensure(_ spec: EnvironmentSpec, log: @escaping @Sendable (String) -> Void) async throws -> EnvironmentHandle
    /// The environment with this key, if it is built.
    func environment(key: String) -> EnvironmentHandle?
}

/// An archive unpacked into a staging folder, not yet attached to a step.
public struct StagedBundle: Sendable, Equatable {
    public var stagingID: String
    public var files: [String]

    public init(stagingID: String, files: [String]) {
        self.stagingID = stagingID
        self.files = files
    }
}

/// Unpacks step archives safely and keeps each step's code.
public protocol CodeBundleStore: Sendable {
    /// Unpacks a gzip'd tar (rejects unsafe entries and over-limit archives).
    func stage(archive: URL) async throws -> StagedBundle
    func readText(_ bundle: StagedBundle, path: String, limit: Int) throws -> String?
    /// Moves the staged code to its permanent place for `stepID`.
    func install(_ bundle: StagedBundle, stepID: String) throws
    func discard(_ bundle: StagedBundle)
    func codeDirectory(stepID: String) -> URL
    func remove(stepID: String)

    /// Unpacks a ZIP archive (the same rules and limits as `stage(archive:)`).
    func stage(zipArchive: URL) async throws -> StagedBundle
    /// Moves the staged code to its permanent place for the code package `packageID`.
    func install(_ bundle: StagedBundle, packageID: String) throws
    func codeDirectory(packageID: String) -> URL
    func remove(packageID: String)
}

/// One function call in a worker.
public struct WorkerJob: Sendable {
    public var executionID: String
    public var pythonExecutable: String
    public var codeDirectory: URL
    public var functionPath: String
    public var functionName: String
    /// Arguments; file inputs are given separately and added as `{"path": …}`.
    public var arguments: [String: JSONValue]
    /// File inputs: argument name → (blob holding the content, file name to expose); the
    /// launcher exports each into the execution's folder.
    public var fileArguments: [String: FileArgument]
    public var environment: [String: String]
    public var timeout: Duration
    /// Declared file outputs, collected by the worker as soon as the function returns.
    public var fileOutputs: FileOutputRequest?

    public struct FileArgument: Sendable, Equatable {
        public var blob: String
        public var fileName: String

        public init(blob: String, fileName: String) {
            self.blob = blob
            self.fileName = fileName
        }
    }

    public init(executionID: String, pythonExecutable: String, codeDirectory: URL, functionPath: String,
                functionName: String, arguments: [String: JSONValue], fileArguments: [String: FileArgument],
                environment: [String: String], timeout: Duration, fileOutputs: FileOutputRequest? = nil) {
        self.executionID = executionID
        self.pythonExecutable = pythonExecutable
        self.codeDirectory = codeDirectory
        self.functionPath = functionPath
        self.functionName = functionName
        self.arguments = arguments
        self.fileArguments = fileArguments
        self.environment = environment
        self.timeout = timeout
        self.fileOutputs = fileOutputs
    }
}

/// The file outputs a worker collects for one execution: each returned `{"path": p}` of these
/// outputs is copied into `directory` (`<index>/<file name>`) the moment the function returns,
/// and the result then points at the copy. Parallel executions of a resident worker share one
/// working directory: the copy is what keeps each execution's files its own.
public struct FileOutputRequest: Sendable, Equatable {
    public var directory: URL
    public var names: [String]

    public init(directory: URL, names: [String]) {
        self.directory = directory
        self.names = names
    }
}

/// How a worker call ended.
public enum WorkerOutcome: Sendable, Equatable {
    /// The function returned this dict.
    case returned([String: JSONValue])
    /// The function (or loading the module) raised.
    case raised(type: String, message: String)
    case timedOut(Duration)
    /// The process died or broke the protocol.
    case crashed(String)
    /// The platform could not start the worker.
    case unavailable(String)
}

/// Runs one job in a fresh process (elastic mode).
public protocol ElasticLauncher: Sendable {
    func run(_ job: WorkerJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome
    /// A folder the job may use for its files; removed by `cleanUp`.
    func workDirectory(executionID: String) -> URL
    func cleanUp(executionID: String)
}

extension ElasticLauncher {
    /// Where the worker collects an execution's file outputs, in either mode (inside its work
    /// directory, so `cleanUp` removes what was not imported).
    public func outputsDirectory(executionID: String) -> URL {
        workDirectory(executionID: executionID).appendingPathComponent("outputs")
    }
}
