import Foundation
import SlipwayCore
import ZIPFoundation

/// Model artifacts served from this machine by the `slipway_models` runtimes: uploads checked per
/// framework, the pinned requirements of each framework (`python/slipway_models/requirements`),
/// and a local copy of each version under `root` (archives unpacked).
public struct LocalModelArtifacts: ModelArtifacts {
    /// Frameworks with a runtime in `slipway_models`.
    public static let servable: Set<String> = ["onnx", "python", "custom", "sklearn", "xgboost"]

    let root: URL
    let pythonPath: String
    let defaultPythonVersion: String
    /// Largest total size an archive may unpack to.
    let maxUnpackedBytes: Int64

    public init(root: URL, pythonPath: String, defaultPythonVersion: String, maxUnpackedBytes: Int64 = 4 << 30) {
        self.root = root
        self.pythonPath = pythonPath
        self.defaultPythonVersion = defaultPythonVersion
        self.maxUnpackedBytes = maxUnpackedBytes
    }

    public func inspect(file: URL, framework: ModelFramework) async throws -> ModelArtifactFacts {
        switch framework {
        case .onnx:
            let data = try Data(contentsOf: file, options: .alwaysMapped)
            let summary = try ONNXModelSummary(data: data)
            return ModelArtifactFacts(inputNames: summary.inputs, outputNames: summary.outputs)
        case .python:
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw SlipwayError.badRequest("a Python model must be one UTF-8 .py script")
            }
            guard text.range(of: #"def\s+wallaroo_json\s*\("#, options: .regularExpression) != nil else {
                throw SlipwayError.badRequest("the script defines no wallaroo_json(data) function")
            }
            return ModelArtifactFacts()
        case .custom:
            return try inspectArchive(file)
        case .sklearn, .xgboost:
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            let head = try handle.read(upToCount: 2) ?? Data()
            guard head.first == 0x80 else {
                throw SlipwayError.badRequest("expected a pickled model (pickle protocol 2 or later, as pickle and joblib write)")
            }
            return ModelArtifactFacts()
        default:
            return ModelArtifactFacts()
        }
    }

    /// A BYOP archive: a ZIP with safe entry names, at least one `.py` file, and a `requirements.txt`.
    func inspectArchive(_ file: URL) throws -> ModelArtifactFacts {
        let archive: Archive
        do {
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw SlipwayError.badRequest("not a valid ZIP archive")
        }
        var hasPython = false
        var requirementsEntry: Entry?
        var total: Int64 = 0
        for entry in archive {
            let path = entry.path
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            guard !path.hasPrefix("/"), !path.contains("\\"), !parts.contains(".."), !path.contains("\0") else {
                throw SlipwayError.badRequest("archive entry '\(NameRules.printable(path))' points outside the archive")
            }
            guard entry.type != .symlink else {
                throw SlipwayError.badRequest("archive entry '\(NameRules.printable(path))' is a symbolic link")
            }
            total += Int64(entry.uncompressedSize)
            guard total <= maxUnpackedBytes else {
                throw SlipwayError.badRequest("the archive unpacks to more than \(maxUnpackedBytes) bytes")
            }
            if path.hasSuffix(".py") { hasPython = true }
            if parts.last == "requirements.txt", parts.count <= 2, requirementsEntry == nil { requirementsEntry = entry }
        }
        guard hasPython else { throw SlipwayError.badRequest("the archive contains no .py file") }
        guard let requirementsEntry else { throw SlipwayError.badRequest("the archive contains no requirements.txt") }
        var requirements = Data()
        _ = try archive.extract(requirementsEntry, skipCRC32: false) { requirements.append($0) }
        guard let text = String(data: requirements, encoding: .utf8) else {
            throw SlipwayError.badRequest("requirements.txt is not UTF-8 text")
        }
        return ModelArtifactFacts(requirements: text)
    }

    public func servingRefusal(for version: ModelVersion) -> String? {
        if let folder = MLflowModelFolder(version) { return folder.refusal }
        let framework = version.framework
        if Self.servable.contains(framework.rawValue) { return nil }
        return "this server has no \(framework.rawValue) runtime (it serves onnx, python, custom, sklearn and xgboost models; "
            + "TensorFlow, PyTorch, Hugging Face and MLflow container images are not installed here)"
    }

    public func environmentSpec(for version: ModelVersion) throws -> EnvironmentSpec {
        if let folder = MLflowModelFolder(version) {
            return EnvironmentSpec(pythonVersion: folder.pythonVersion ?? defaultPythonVersion,
                                   requirements: folder.environmentRequirements, systemDependencies: [])
        }
        let file = URL(fileURLWithPath: pythonPath).appendingPathComponent("slipway_models/requirements/\(version.framework.rawValue).txt")
        guard var requirements = try? String(contentsOf: file, encoding: .utf8) else {
            throw SlipwayError.internal("no pinned requirements for framework '\(version.framework.rawValue)'")
        }
        if let own = version.configuration?.objectValue?["artifact_requirements"]?.stringValue {
            requirements += "\n" + own
        }
        if case .array(let extra)? = version.configuration?.objectValue?["requirements"] {
            requirements += "\n" + extra.compactMap(\.stringValue).joined(separator: "\n")
        }
        return EnvironmentSpec(pythonVersion: defaultPythonVersion, requirements: requirements, systemDependencies: [])
    }

    public func servingCode(for version: ModelVersion, modelName: String, blobs: any BlobStore) async throws -> ModelServingCode {
        let directory = root.appendingPathComponent(version.id)
        // A Python script is imported by file name, which needs the `.py` suffix.
        let localName = version.framework == .python && !version.fileName.hasSuffix(".py")
            ? version.fileName + ".py" : version.fileName
        let artifact = directory.appendingPathComponent("artifact").appendingPathComponent(localName)
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: artifact.path) {
            try fileManager.createDirectory(at: artifact.deletingLastPathComponent(), withIntermediateDirectories: true)
            let partial = artifact.appendingPathExtension("partial")
            try? fileManager.removeItem(at: partial)
            try await blobs.export(version.blobKey, to: partial)
            try fileManager.moveItem(at: partial, to: artifact)
        }
        var modelPath = artifact
        let folder = MLflowModelFolder(version)
        if version.framework == .custom || folder != nil {
            let unpacked = directory.appendingPathComponent("unpacked")
            if !fileManager.fileExists(atPath: unpacked.path) {
                let staging = directory.appendingPathComponent("unpacking-\(UUID().uuidString)")
                try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
                do {
                    try fileManager.unzipItem(at: artifact, to: staging)
                    try fileManager.moveItem(at: staging, to: unpacked)
                } catch {
                    try? fileManager.removeItem(at: staging)
                    throw error
                }
            }
            modelPath = unpacked
        }
        return ModelServingCode(
            codeDirectory: URL(fileURLWithPath: pythonPath), functionPath: "slipway_models/entry.py", functionName: "infer",
            environment: ["SLIPWAY_MODEL_FRAMEWORK": folder == nil ? version.framework.rawValue : "mlflow",
                          "SLIPWAY_MODEL_PATH": modelPath.path, "SLIPWAY_MODEL_NAME": modelName]
                .merging(folder?.environment ?? [:]) { _, new in new })
    }
}
