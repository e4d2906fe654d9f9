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
            guard declared[mapping.pipelineInputName] != nil else {
                throw .badRequest("inputs_mapping names '\(NameRules.printable(mapping.pipelineInputName))', "
                    + "which is not an input of this pipeline")
            }
            guard mappings.updateValue(mapping, forKey: mapping.pipelineInputName) == nil else {
                throw .badRequest("input '\(mapping.pipelineInputName)' is mapped twice")
            }
            if mapping.endpointInputName != nil {
                throw .badRequest("endpoint_input_name can only be used by endpoint deployments, not by a run")
            }
            if request.values[mapping.pipelineInputName] != nil || request.files[mapping.pipelineInputName] != nil {
                throw .badRequest("input '\(mapping.pipelineInputName)' is given both as a value and in inputs_mapping")
            }
        }

        var resolved: [ExecutionInput] = []
        var totalSize = 0
        for input in inputs {
            var item: ExecutionInput
            if let mapping = mappings[input.name] {
                item = try resolve(mapping, for: input, variables: variables)
            } else if let file = request.files[input.name] {
                item = ExecutionInput(name: input.name, dataType: .file, source: .run,
                                      mappingValue: ["run_input_name": .string(input.name)], value: nil,
                                      fileBlob: nil, fileName: file.fileName)
            } else if let value = request.values[input.name] {
                if input.dataType == .file {
                    throw .badRequest("input '\(input.name)' is of type file: send it as a file, not a value")
                }
                try IOValueCoercion.check(value, as: input.dataType, name: input.name, role: "input")
                item = ExecutionInput(name: input.name, dataType: input.dataType, source: .run,
                                      mappingValue: ["run_input_name": .string(input.name)], value: value)
            } else if let fallback = input.defaultValue {
                item = ExecutionInput(name: input.name, dataType: input.dataType, source: .run,
                                      mappingValue: ["run_input_name": .string(input.name)], value: fallback)
            } else if input.isRequired {
                throw .badRequest("input '\(input.name)' is required", details: .object(["input": .string(input.name)]))
            } else {
                item = ExecutionInput(name: input.name, dataType: input.dataType, source: .run,
                                      mappingValue: ["run_input_name": .string(input.name)], value: .null)
            }
            if let value = item.value, input.dataType != .file { totalSize += IOValueCoercion.encodedSize(value) }
            resolved.append(item)
        }
        guard totalSize <= maxIOBytes else {
            throw .tooLarge("inputs total \(totalSize) bytes; non-file inputs are limited to \(maxIOBytes) bytes in all")
        }
        return resolved
    }

    func resolve(_ mapping: InputMapping, for input: InputDefinition,
                 variables: [String: String]) throws(SlipwayError) -> ExecutionInput {
        if let constant = mapping.constantValue {
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: a constant cannot feed a file input")
            }
            try IOValueCoercion.check(constant, as: input.dataType, name: input.name, role: "constant for input")
            return ExecutionInput(name: input.name, dataType: input.dataType, source: .constant,
                                  mappingValue: ["constant_value": constant], value: constant)
        }
        if let variable = mapping.environmentVariableName {
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: an environment variable cannot feed a file input")
            }
            guard let text = variables[variable] else {
                throw .badRequest("environment variable '\(NameRules.printable(variable))' does not exist")
            }
            let value = try Self.convertVariable(text, to: input.dataType, input: input.name)
            return ExecutionInput(name: input.name, dataType: input.dataType, source: .environmentVariable,
                                  mappingValue: ["environment_variable_name": .string(variable)], value: value)
        }
        if let path = mapping.datastorePath {
            guard input.dataType == .file else {
                throw .badRequest("input '\(input.name)' is of type \(input.dataType.rawValue): a data store object "
                    + "can only feed a file input")
            }
            let objectPath = try ObjectPath(path)
            return ExecutionInput(name: input.name, dataType: .file, source: .datastore,
                                  mappingValue: ["datastore_path": .string(objectPath.value)], value: nil,
                                  fileName: objectPath.value.split(separator: "/").last.map(String.init))
        }
        if mapping.isNull == true {
            // An explicit null mapping is the caller's choice, even for a required input.
            return ExecutionInput(name: input.name, dataType: input.dataType, source: .isNull,
                                  mappingValue: ["is_null": .bool(true)], value: .null)
        }
        throw .badRequest("inputs_mapping for '\(input.name)' has no source")
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
            guard outputs.contains(where: { $0.name == mapping.pipelineOutputName }) else {
                throw .badRequest("outputs_mapping names '\(NameRules.printable(mapping.pipelineOutputName))', "
                    + "which is not an output of this pipeline")
            }
            guard byName.updateValue(mapping, forKey: mapping.pipelineOutputName) == nil else {
                throw .badRequest("output '\(mapping.pipelineOutputName)' is mapped twice")
            }
            if mapping.endpointOutputName != nil {
                throw .badRequest("endpoint_output_name can only be used by endpoint deployments, not by a run")
            }
        }
        return try outputs.map { output throws(SlipwayError) in
            guard let mapping = byName[output.name] else {
                return ExecutionOutput(name: output.name, dataType: output.dataType, destination: .run,
                                       mappingValue: ["run_output_name": .string(output.name)])
            }
            if let path = mapping.datastorePath {
                // Validate the template with placeholders filled by sample values.
                _ = try ObjectPath(ObjectPath.expandPlaceholders(path, executionID: "x", at: Date(timeIntervalSince1970: 0)))
                return ExecutionOutput(name: output.name, dataType: output.dataType, destination: .datastore,
                                       mappingValue: ["datastore_path": .string(path)])
            }
            return ExecutionOutput(name: output.name, dataType: output.dataType, destination: .isNull,
                                   mappingValue: ["is_null": .bool(true)])
        }
    }
}
