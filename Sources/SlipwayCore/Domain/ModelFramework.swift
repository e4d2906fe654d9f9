import Foundation

/// The library a model artifact was made with, which decides the runtime that serves it.
///
/// Raw values round-trip exactly (see ``OpenNameSet``): `.other("onnx") == .onnx`.
public enum ModelFramework: OpenNameSet {
    case onnx
    case python
    case tensorflow
    case pytorch
    case sklearn
    case xgboost
    /// An arbitrary Python model packaged with its own code and requirements.
    case custom
    case other(String)

    public static let known: [ModelFramework] = [.onnx, .python, .tensorflow, .pytorch, .sklearn, .xgboost, .custom]

    public var rawValue: String {
        switch self {
        case .onnx: "onnx"
        case .python: "python"
        case .tensorflow: "tensorflow"
        case .pytorch: "pytorch"
        case .sklearn: "sklearn"
        case .xgboost: "xgboost"
        case .custom: "custom"
        case .other(let name): name
        }
    }
}
