import Foundation

/// What an ONNX file declares, read from its `ModelProto`: the IR version, the opsets, and the
/// names of the graph's inputs (initializers excluded) and outputs.
public struct ONNXModelSummary: Sendable, Equatable {
    public var irVersion: Int
    public var opsets: [String: Int]
    public var inputs: [String]
    public var outputs: [String]

    /// Parses the model; throws a description of what is wrong when the bytes are not a complete
    /// ONNX model (truncated, another format, or no graph).
    public init(data: Data) throws(SlipwayError) {
        let scanner = ProtobufScanner(data)
        do {
            let model = try scanner.fields()
            var irVersion: Int?
            var opsets: [String: Int] = [:]
            var graph: Range<Int>?
            for field in model {
                switch (field.number, field.value) {
                case (1, .varint(let value)): irVersion = Int(truncatingIfNeeded: value)
                case (7, .bytes(let range)): graph = range
                case (8, .bytes(let range)):
                    var domain = "", version = 0
                    for entry in try scanner.fields(in: range) {
                        if entry.number == 1, case .bytes(let text) = entry.value { domain = scanner.string(text) ?? "" }
                        if entry.number == 2, case .varint(let value) = entry.value { version = Int(truncatingIfNeeded: value) }
                    }
                    opsets[domain.isEmpty ? "ai.onnx" : domain] = version
                default: break
                }
            }
            guard let irVersion, irVersion > 0 else { throw SlipwayError.badRequest("it has no IR version") }
            guard let graph else { throw SlipwayError.badRequest("it has no graph") }
            var inputs: [String] = [], outputs: [String] = [], initializers = Set<String>()
            for field in try scanner.fields(in: graph) {
                guard case .bytes(let range) = field.value else { continue }
                switch field.number {
                case 5:  // TensorProto initializer: name is field 8
                    for entry in try scanner.fields(in: range) where entry.number == 8 {
                        if case .bytes(let text) = entry.value, let name = scanner.string(text) { initializers.insert(name) }
                    }
                case 11, 12:  // ValueInfoProto: name is field 1
                    for entry in try scanner.fields(in: range) where entry.number == 1 {
                        if case .bytes(let text) = entry.value, let name = scanner.string(text) {
                            if field.number == 11 { inputs.append(name) } else { outputs.append(name) }
                        }
                    }
                default: break
                }
            }
            guard !outputs.isEmpty else { throw SlipwayError.badRequest("its graph has no outputs") }
            self.irVersion = irVersion
            self.opsets = opsets
            self.inputs = inputs.filter { !initializers.contains($0) }
            self.outputs = outputs
        } catch let error as ProtobufScanner.Malformed {
            throw .badRequest("not a valid ONNX model: \(error.description)")
        } catch let error as SlipwayError {
            throw .badRequest("not a valid ONNX model: \(error.message)")
        } catch {
            throw .badRequest("not a valid ONNX model")
        }
    }
}
