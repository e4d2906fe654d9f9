import Foundation

extension InputResolver {
    /// Resolves a deployment trigger: `values` and `files` are keyed by the *exposed* endpoint
    /// names; every other input comes from the deployment's planned mapping (environment variables
    /// are read now, at execution time).
    public func resolveDeploymentInputs(mappings: [InputMapping], values: [String: JSONValue],
                                        files: [String: UploadedFile],
                                        variables: [String: String]) throws(SlipwayError) -> [ExecutionInput] {
        let exposed = Dictionary(mappings.compactMap { m in m.source.endpointName.map { ($0, m) } },
                                 uniquingKeysWith: { a, _ in a })
        for name in values.keys where exposed[name] == nil {
            throw .badRequest("'\(NameRules.printable(name))' is not an input of this endpoint; "
                + (exposed.isEmpty ? "it takes no input" : "inputs are: \(exposed.keys.sorted().joined(separator: ", "))"))
        }
        for name in files.keys where exposed[name] == nil {
            throw .badRequest("file '\(NameRules.printable(name))' is not an input of this endpoint")
        }
        let mappingFor = Dictionary(mappings.map { ($0.input, $0) }, uniquingKeysWith: { a, _ in a })
        var resolved: [ExecutionInput] = []
        var totalSize = 0
        for input in inputs {
            guard let mapping = mappingFor[input.name] else {
                throw .internal("input '\(input.name)' has no mapping in this deployment")
            }
            let item: ExecutionInput
            if case .endpoint(let name, let required, let fallback) = mapping.source {
                item = try endpointInput(input, exposedAs: name, required: required, default: fallback, values: values,
                                         files: files)
            } else {
                item = try resolve(mapping, for: input, variables: variables)
            }
            if let value = item.value, input.dataType != .file { totalSize += IOValueCoercion.encodedSize(value) }
            resolved.append(item)
        }
        guard totalSize <= maxIOBytes else {
            throw .tooLarge("inputs total \(totalSize) bytes; non-file inputs are limited to \(maxIOBytes) bytes in all")
        }
        return resolved
    }

    private func endpointInput(_ input: InputDefinition, exposedAs name: String, required: Bool?, default fallback: JSONValue?,
                               values: [String: JSONValue], files: [String: UploadedFile]) throws(SlipwayError) -> ExecutionInput {
        let source = InputSource.endpoint(name: name)
        if input.dataType == .file {
            if let file = files[name] {
                return ExecutionInput(name: input.name, dataType: .file, source: source,
                                      value: nil, fileName: file.fileName)
            }
            if let value = values[name], value != .null {
                throw .badRequest("input '\(name)' is a file: send it as a multipart file part, not as a value")
            }
        } else if files[name] != nil {
            // An upload for a value input would otherwise be dropped silently.
            throw .badRequest("input '\(name)' is of type \(input.dataType.rawValue), not file")
        } else if let value = values[name] {
            try IOValueCoercion.check(value, as: input.dataType, name: name, role: "input")
            return ExecutionInput(name: input.name, dataType: input.dataType, source: source,
                                  value: value)
        }
        if let fallback = fallback ?? input.defaultValue {
            return ExecutionInput(name: input.name, dataType: input.dataType, source: source,
                                  value: fallback)
        }
        if required ?? input.isRequired {
            throw .badRequest("input '\(name)' is required", details: .object(["input": .string(name)]))
        }
        return ExecutionInput(name: input.name, dataType: input.dataType, source: source,
                              value: .null)
    }

    /// The planned output destinations of a deployment execution.
    public func resolveDeploymentOutputs(_ mappings: [OutputMapping]) -> [ExecutionOutput] {
        let byName = Dictionary(mappings.map { ($0.output, $0.destination) }, uniquingKeysWith: { a, _ in a })
        return outputs.map { output in
            ExecutionOutput(name: output.name, dataType: output.dataType, destination: byName[output.name] ?? .null)
        }
    }
}
