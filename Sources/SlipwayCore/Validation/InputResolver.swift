import Foundation

/// Decides, without I/O, the source and value of every declared input of a run and the
/// destination of every output. Undeclared names, type mismatches, missing required inputs
/// and mappings a source cannot feed are errors.
public struct InputResolver: Sendable {
    public var inputs: [InputDefinition]
    public var outputs: [OutputDefinition]
    public var maxIOBytes: Int

    public init(inputs: [InputDefinition], outputs: [OutputDefinition], maxIOBytes: Int) {
        self.inputs = inputs
        self.outputs = outputs
        self.maxIOBytes = maxIOBytes
    }

    public func resolveInputs(_ request: RunRequest, variables: [String: String]) throws(SlipwayError) -> [ExecutionInput] {
        let declared = Dictionary(inputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in request.values.keys.sorted() where declared[name] == nil {
            throw .badRequest("'\(NameRules.printable(name))' is not an input of this pipeline; inputs are: "
                + inputs.map(\.name).joined(separator: ", "))
        }
        for name in request.files.keys.sorted() where declared[name]?.dataType != .file {
            throw .badRequest(declared[name] == nil
                ? "file '\(NameRules.printable(name))' is not an input of this pipeline"
                : "input '\(name)' is of type \(declared[name]!.dataType.rawValue), not file")
        }
        var mappings: [String: InputMapping] = [:]
        for mapping in request.inputsMapping {
            guard declared[mapping.input] != nil else {
                throw .badRequest("'\(NameRules.printable(mapping.input))' is mapped but is not an input of "
                    + "this pipeline", details: .object(["input": .string(mapping.input)]))
            }
            guard mappings.updateValue(mapping, forKey: mapping.input) == nil else {
                throw .badRequest("input '\(mapping.input)' is mapped twice", details: .object(["input": .string(mapping.input)]))
            }
            switch mapping.source {
            case .endpoint, .run:
                throw .badRequest("input '\(mapping.input)': a run can map an input to a constant, an environment "
                    + "variable, a data-store object or null, not to a caller parameter",
                    details: .object(["input": .string(mapping.input), "source": .string(mapping.source.kind.rawValue)]))
            case .constant, .environmentVariable, .dataStore, .null:
                break
            }
            if request.values[mapping.input] != nil || request.files[mapping.input] != nil {
                throw .badRequest("input '\(mapping.input)' is given both as a value and as a mapping",
                                  details: .object(["input": .string(mapping.input)]))
            }
        }

        var resolved: [ExecutionInput] = []
        var totalSize = 0
        for input in inputs {
            var item: ExecutionInput
            if let mapping = mappings[input.name] {
                item = try resolve(mapping, for: input, variables: variables)
            } else if let file = request.files[input.name] {
                item = ExecutionInput(name: input.name, dataType: .file, source: .run, value: nil,
                                      fileBlob: nil, fileName: file.fileName)
            } else if let value = request.values[input.name] {
                if input.dataType == .file {
                    throw .badRequest("input '\(input.name)' is of type file: send it as a file, not a value")
                }
                try IOValueCoercion.check(value, as: input.dataType, name: input.name, role: "input")
                item = ExecutionInput(name: input.name, dataType: input.dataType, source: .run, value: value)
            } else if let fallback = input.defaultValue {
                item = ExecutionInput(name: input.name, dataType: input.dataType, source: .run, value: fallback)
            } else if input.isRequired {
                throw .badRequest("input '\(input.name)' is required", details: .object(["input": .string(input.name)]))
            } else {
                item = ExecutionInput(name: input.name, dataType: input.dataType, source: .run, value: .null)
            }
            if let value = item.value, input.dataType != .file { totalSize += IOValueCoercion.encodedSize(value) }
            resolved.append(item)
        }
        guard totalSize <= maxIOBytes else {
            throw .tooLarge("inputs total \(totalSize) bytes; non-file inputs are limited to \(maxIOBytes) bytes in all")
        }
        return resolved
    }

    /// The input fed by a constant, an environment variable, a data-store object or null.
    func resolve(_ mapping: InputMapping, for input: InputDefinition,
                 variables: [String: String]) throws(SlipwayError) -> ExecutionInput {
        switch mapping.source {
        case .constant(let constant):
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: a constant cannot feed a file input")
            }
            try IOValueCoercion.check(constant, as: input.dataType, name: input.name, role: "constant for input")
            return ExecutionInput(name: input.name, dataType: input.dataType, source: mapping.source, value: constant)
        case .environmentVariable(let variable):
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: an environment variable cannot feed a file input")
            }
            guard let text = variables[variable] else {
                throw .badRequest("environment variable '\(NameRules.printable(variable))' does not exist",
                                  details: .object(["variable": .string(variable)]))
            }
            let value = try Self.convertVariable(text, to: input.dataType, input: input.name)
            return ExecutionInput(name: input.name, dataType: input.dataType, source: mapping.source, value: value)
        case .dataStore(let path):
            guard input.dataType == .file else {
                throw .badRequest("input '\(input.name)' is of type \(input.dataType.rawValue): a data store object "
                    + "can only feed a file input")
            }
            let objectPath = try ObjectPath(path)
            return ExecutionInput(name: input.name, dataType: .file, source: .dataStore(path: objectPath.value), value: nil,
                                  fileName: objectPath.value.split(separator: "/").last.map(String.init))
        case .null:
            // An explicit null mapping is the caller's choice, even for a required input.
            return ExecutionInput(name: input.name, dataType: input.dataType, source: .null, value: .null)
        case .run, .endpoint:
            throw .internal("input '\(input.name)' is given by the caller, not by its mapping")
        }
    }

    /// Environment variables are text; typed inputs parse it.
    static func convertVariable(_ text: String, to type: IODataType, input: String) throws(SlipwayError) -> JSONValue {
        switch type {
        case .string: return .string(text)
        case .number:
            guard let number = Double(text) else { throw .badRequest("environment variable for input '\(input)' is not a number") }
            return .number(number)
        case .boolean:
            switch text.lowercased() {
            case "true", "1": return .bool(true)
            case "false", "0": return .bool(false)
            default: throw .badRequest("environment variable for input '\(input)' is not a boolean")
            }
        case .json, .array:
            guard let value = try? JSONValue.parse(text) else {
                throw .badRequest("environment variable for input '\(input)' is not valid JSON")
            }
            if type == .array, value.arrayValue == nil { throw .badRequest("environment variable for input '\(input)' is not an array") }
            return value
        case .file:
            throw .badRequest("an environment variable cannot feed a file input")
        }
    }

    public func resolveOutputs(_ mappings: [OutputMapping]) throws(SlipwayError) -> [ExecutionOutput] {
        var byName: [String: OutputMapping] = [:]
        for mapping in mappings {
            guard outputs.contains(where: { $0.name == mapping.output }) else {
                throw .badRequest("'\(NameRules.printable(mapping.output))' is mapped but is not an output "
                    + "of this pipeline", details: .object(["output": .string(mapping.output)]))
            }
            guard byName.updateValue(mapping, forKey: mapping.output) == nil else {
                throw .badRequest("output '\(mapping.output)' is mapped twice", details: .object(["output": .string(mapping.output)]))
            }
            switch mapping.destination {
            case .endpoint, .run:
                throw .badRequest("output '\(mapping.output)': a run can map an output to a data-store object or null, "
                    + "not to a caller field",
                    details: .object(["output": .string(mapping.output),
                                      "destination": .string(mapping.destination.kind.rawValue)]))
            case .dataStore(let path):
                // Validate the template with placeholders filled by sample values.
                _ = try ObjectPath(ObjectPath.expandPlaceholders(path, executionID: "x", at: Date(timeIntervalSince1970: 0)))
            case .null:
                break
            }
        }
        return outputs.map { output in
            ExecutionOutput(name: output.name, dataType: output.dataType, destination: byName[output.name]?.destination ?? .run)
        }
    }
}
