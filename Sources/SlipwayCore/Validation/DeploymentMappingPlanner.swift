import Foundation

/// Checks the I/O mappings of a new or updated deployment against its pipeline and completes
/// them: endpoint deployments map every unmapped input/output to an endpoint parameter of the
/// same name; periodic deployments must map everything explicitly. Enforces which source can
/// feed which input under which execution rule (the compatibility matrix of the platform).
public struct DeploymentMappingPlanner: Sendable {
    public var inputs: [InputDefinition]
    public var outputs: [OutputDefinition]
    public var rule: ExecutionRule

    public init(inputs: [InputDefinition], outputs: [OutputDefinition], rule: ExecutionRule) {
        self.inputs = inputs
        self.outputs = outputs
        self.rule = rule
    }

    public func planInputs(_ given: [InputMapping]) throws(SlipwayError) -> [InputMapping] {
        let declared = Dictionary(inputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var byName: [String: InputMapping] = [:]
        for mapping in given {
            guard declared[mapping.pipelineInputName] != nil else {
                throw .badRequest("inputs_mapping names '\(NameRules.printable(mapping.pipelineInputName))', which is not "
                    + "an input of this pipeline; inputs are: \(inputs.map(\.name).joined(separator: ", "))")
            }
            guard byName.updateValue(mapping, forKey: mapping.pipelineInputName) == nil else {
                throw .badRequest("input '\(mapping.pipelineInputName)' is mapped twice")
            }
        }
        var planned: [InputMapping] = []
        var exposed: Set<String> = []
        var endpointFiles = 0
        for input in inputs {
            var mapping: InputMapping
            if let given = byName[input.name] {
                mapping = given
            } else if rule == .endpoint {
                mapping = InputMapping(pipelineInputName: input.name, endpointInputName: input.name)
            } else {
                throw .badRequest("input '\(input.name)' is not mapped: a periodic deployment must map every input "
                    + "(constant_value, environment_variable_name, datastore_path or is_null)")
            }
            try check(mapping, for: input)
            if let name = mapping.endpointInputName {
                guard exposed.insert(name).inserted else {
                    throw .badRequest("endpoint input name '\(NameRules.printable(name))' is used twice")
                }
                if input.dataType == .file { endpointFiles += 1 }
            }
            planned.append(mapping)
        }
        guard endpointFiles <= 1 else {
            throw .badRequest("an endpoint accepts at most one file per call, but \(endpointFiles) file inputs are mapped "
                + "to the endpoint; map the others to the data store")
        }
        return planned
    }

    private func check(_ mapping: InputMapping, for input: InputDefinition) throws(SlipwayError) {
        if let name = mapping.endpointInputName {
            guard rule == .endpoint else {
                throw .badRequest("input '\(input.name)': endpoint_input_name can only be used by endpoint deployments")
            }
            try NameRules.validateIOName(name)
            if let fallback = mapping.defaultValue {
                guard input.dataType != .file else {
                    throw .badRequest("input '\(input.name)' is of type file and cannot have a default value")
                }
                try IOValueCoercion.check(fallback, as: input.dataType, name: input.name, role: "default value of input")
            }
            return
        }
        if mapping.isRequired != nil || mapping.defaultValue != nil {
            throw .badRequest("input '\(input.name)': is_required and default_value only apply to an endpoint_input_name mapping")
        }
        if let constant = mapping.constantValue {
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: a constant cannot feed a file input; "
                    + "use datastore_path or an endpoint file")
            }
            try IOValueCoercion.check(constant, as: input.dataType, name: input.name, role: "constant for input")
        } else if let variable = mapping.environmentVariableName {
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: an environment variable cannot feed a file input")
            }
            try NameRules.validateVariableName(variable)
        } else if let path = mapping.datastorePath {
            guard input.dataType == .file else {
                throw .badRequest("input '\(input.name)' is of type \(input.dataType.rawValue): a data store object "
                    + "can only feed a file input")
            }
            _ = try ObjectPath(path)
        }
    }

    public func planOutputs(_ given: [OutputMapping]) throws(SlipwayError) -> [OutputMapping] {
        var byName: [String: OutputMapping] = [:]
        for mapping in given {
            guard outputs.contains(where: { $0.name == mapping.pipelineOutputName }) else {
                throw .badRequest("outputs_mapping names '\(NameRules.printable(mapping.pipelineOutputName))', which is "
                    + "not an output of this pipeline; outputs are: \(outputs.map(\.name).joined(separator: ", "))")
            }
            guard byName.updateValue(mapping, forKey: mapping.pipelineOutputName) == nil else {
                throw .badRequest("output '\(mapping.pipelineOutputName)' is mapped twice")
            }
        }
        var planned: [OutputMapping] = []
        var exposed: Set<String> = []
        for output in outputs {
            var mapping: OutputMapping
            if let given = byName[output.name] {
                mapping = given
            } else if rule == .endpoint {
                mapping = OutputMapping(pipelineOutputName: output.name, endpointOutputName: output.name)
            } else {
                throw .badRequest("output '\(output.name)' is not mapped: a periodic deployment must map every output "
                    + "(datastore_path or is_null)")
            }
            if let name = mapping.endpointOutputName {
                guard rule == .endpoint else {
                    throw .badRequest("output '\(output.name)': endpoint_output_name can only be used by endpoint deployments")
                }
                try NameRules.validateIOName(name)
                guard exposed.insert(name).inserted else {
                    throw .badRequest("endpoint output name '\(NameRules.printable(name))' is used twice")
                }
            }
            if let path = mapping.datastorePath {
                _ = try ObjectPath(ObjectPath.expandPlaceholders(path, executionID: "x", at: Date(timeIntervalSince1970: 0)))
            }
            planned.append(mapping)
        }
        return planned
    }

    /// An update may change mapping values (constants, paths, names, variables) but not the kind of
    /// source of an input or output.
    public static func checkSameKinds(old: [InputMapping], new: [InputMapping]) throws(SlipwayError) {
        let before = Dictionary(old.map { ($0.pipelineInputName, $0.sourceKind) }, uniquingKeysWith: { a, _ in a })
        for mapping in new where before[mapping.pipelineInputName] != mapping.sourceKind {
            throw .badRequest("input '\(mapping.pipelineInputName)': an update can change a mapping's value, not its kind "
                + "(\(before[mapping.pipelineInputName]?.rawValue ?? "none") → \(mapping.sourceKind.rawValue)); "
                + "create a new deployment instead")
        }
    }

    public static func checkSameKinds(old: [OutputMapping], new: [OutputMapping]) throws(SlipwayError) {
        let before = Dictionary(old.map { ($0.pipelineOutputName, $0.destinationKind) }, uniquingKeysWith: { a, _ in a })
        for mapping in new where before[mapping.pipelineOutputName] != mapping.destinationKind {
            throw .badRequest("output '\(mapping.pipelineOutputName)': an update can change a mapping's value, not its "
                + "kind; create a new deployment instead")
        }
    }
}

extension InputMapping {
    /// Which kind of source this mapping uses.
    public var sourceKind: InputSourceKind {
        if endpointInputName != nil { return .endpoint }
        if environmentVariableName != nil { return .environmentVariable }
        if constantValue != nil { return .constant }
        if datastorePath != nil { return .datastore }
        return .isNull
    }

    /// The SDK's `InputSource` dict.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["pipeline_input_name": .string(pipelineInputName)]
        if let endpointInputName { object["endpoint_input_name"] = .string(endpointInputName) }
        if let environmentVariableName { object["environment_variable_name"] = .string(environmentVariableName) }
        if let isRequired { object["is_required"] = .bool(isRequired) }
        if let defaultValue { object["default_value"] = defaultValue }
        if let constantValue { object["constant_value"] = constantValue }
        if isNull == true { object["is_null"] = .bool(true) }
        if let datastorePath { object["datastore_path"] = .string(datastorePath) }
        return .object(object)
    }
}

extension OutputMapping {
    public var destinationKind: OutputDestinationKind {
        if endpointOutputName != nil { return .endpoint }
        if datastorePath != nil { return .datastore }
        return .isNull
    }

    /// The SDK's `OutputDestination` dict.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["pipeline_output_name": .string(pipelineOutputName)]
        if let endpointOutputName { object["endpoint_output_name"] = .string(endpointOutputName) }
        if isNull == true { object["is_null"] = .bool(true) }
        if let datastorePath { object["datastore_path"] = .string(datastorePath) }
        return .object(object)
    }
}
