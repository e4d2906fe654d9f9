import Foundation

/// The library a model artifact was made with, which decides the runtime that serves it.
///
/// The raw value round-trips exactly: a known name in its canonical lowercase spelling is its
/// case, any other text is kept verbatim in ``other(_:)``. Equality compares raw values, so
/// `.other("onnx") == .onnx`.
public enum ModelFramework: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
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

    /// Nil for empty text, text longer than 128 bytes or containing control characters.
    public init?(rawValue: String) {
        guard !rawValue.isEmpty, rawValue.utf8.count <= 128,
              !rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        self = ModelFramework.known.first { $0.rawValue == rawValue } ?? .other(rawValue)
    }

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

    public var description: String { rawValue }

    public static func == (lhs: ModelFramework, rhs: ModelFramework) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let framework = ModelFramework(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid model framework name")
        }
        self = framework
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
