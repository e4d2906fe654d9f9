import Foundation
import SlipwayCore

/// How the `mlflow` runtime of `slipway_models` serves a model version that is an MLflow model
/// folder (a snapshot whose configuration has `"format": "mlflow-model"`, see
/// `ModelFolderImporter`): which loader, which file, which Python and which libraries.
struct MLflowModelFolder: Sendable, Equatable {
    /// `sklearn`, `onnx` or `python_function` (see `python/slipway_models/adapters/mlflow_adapter.py`).
    var loader: String
    /// The model file inside the folder, for the `sklearn` and `onnx` loaders.
    var modelFile: String?
    var serialization: String?
    /// `major.minor` of the Python the model was saved with, when `MLmodel` says.
    var pythonVersion: String?
    /// The folder's `requirements.txt`.
    var requirements: String

    static let format = "mlflow-model"

    /// The folder facts of `version`, nil when it is not an MLflow model folder.
    init?(_ version: ModelVersion) {
        guard let configuration = version.configuration?.objectValue,
              configuration["format"]?.stringValue == Self.format else { return nil }
        let flavors = Set((configuration["flavors"]?.arrayValue ?? []).compactMap(\.stringValue))
        if flavors.contains("sklearn") {
            loader = "sklearn"
        } else if flavors.contains("onnx") {
            loader = "onnx"
        } else if flavors.contains("python_function") {
            loader = "python_function"
        } else {
            loader = ""
        }
        modelFile = configuration["model_path"]?.stringValue
        if loader == "onnx", let onnx = configuration["flavor_config"]?["onnx"]?["data"]?.stringValue { modelFile = onnx }
        if loader == "sklearn", let pickled = configuration["flavor_config"]?["sklearn"]?["pickled_model"]?.stringValue {
            modelFile = pickled
        }
        serialization = configuration["serialization_format"]?.stringValue
        pythonVersion = configuration["python_version"]?.stringValue.flatMap(Self.majorMinor)
        requirements = configuration["requirements"]?.stringValue ?? ""
    }

    /// Why it cannot be served, or nil.
    var refusal: String? {
        if loader.isEmpty { return "an MLflow model without a sklearn, onnx or python_function flavour has no runtime here" }
        if loader != "python_function", modelFile?.isEmpty ?? true { return "its MLmodel names no model file" }
        return nil
    }

    /// The model's own requirements. The sklearn and onnx loaders do not import mlflow, so its
    /// (heavy) package is left out for them; a generic pyfunc model gets the lighter
    /// `mlflow-skinny` of the same version, which loads it.
    var environmentRequirements: String {
        var lines: [String] = []
        for raw in requirements.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let name = line.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }.lowercased()
            if name == "mlflow" || name == "mlflow-skinny" {
                if loader == "python_function" { lines.append("mlflow-skinny" + line.dropFirst(name.count)) }
                continue
            }
            lines.append(line)
        }
        let names = Set(lines.map { $0.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }.lowercased() })
        if !names.contains("numpy") { lines.append("numpy") }
        if !names.contains("pandas") { lines.append("pandas") }
        if loader == "onnx", !names.contains("onnxruntime") { lines.append("onnxruntime") }
        return lines.joined(separator: "\n") + "\n"
    }

    var environment: [String: String] {
        var variables = ["SLIPWAY_MODEL_LOADER": loader]
        if let modelFile { variables["SLIPWAY_MODEL_FILE"] = modelFile }
        if let serialization { variables["SLIPWAY_MODEL_SERIALIZATION"] = serialization }
        return variables
    }

    /// `3.11.7` → `3.11`.
    static func majorMinor(_ text: String) -> String? {
        let parts = text.split(separator: ".")
        guard parts.count >= 2, Int(parts[0]) != nil, Int(parts[1]) != nil else { return nil }
        return "\(parts[0]).\(parts[1])"
    }
}
