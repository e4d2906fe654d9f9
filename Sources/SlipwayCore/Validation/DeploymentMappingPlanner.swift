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
            guard declared[mapping.input] != nil else {
                throw .badRequest("'\(NameRules.printable(mapping.input))' is mapped but is not an input of "
                    + "this pipeline; inputs are: \(inputs.map(\.name).joined(separator: ", "))",
                    details: .object(["input": .string(mapping.input)]))
            }
            guard byName.updateValue(mapping, forKey: mapping.input) == nil else {
                throw .badRequest("input '\(mapping.input)' is mapped twice", details: .object(["input": .string(mapping.input)]))
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
                mapping = InputMapping(input: input.name, source: .endpoint(name: input.name))
            } else {
                throw .badRequest("input '\(input.name)' is not mapped: a periodic deployment must map every input "
                    + "(to a constant, an environment variable, a data-store object or null)",
                    details: .object(["input": .string(input.name)]))
            }
            try check(mapping, for: input)
            if let name = mapping.source.endpointName {
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
        switch mapping.source {
        case .endpoint(let name, _, let fallback):
            guard rule == .endpoint else {
                throw .badRequest("input '\(input.name)': only endpoint deployments can take an input from the caller",
                                  details: .object(["input": .string(input.name), "source": .string("endpoint")]))
            }
            try NameRules.validateIOName(name)
            if let fallback {
                guard input.dataType != .file else {
                    throw .badRequest("input '\(input.name)' is of type file and cannot have a default value")
                }
                try IOValueCoercion.check(fallback, as: input.dataType, name: input.name, role: "default value of input")
            }
        case .constant(let constant):
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: a constant cannot feed a file input; "
                    + "use a data-store object or an endpoint file")
            }
            try IOValueCoercion.check(constant, as: input.dataType, name: input.name, role: "constant for input")
        case .environmentVariable(let variable):
            guard input.dataType != .file else {
                throw .badRequest("input '\(input.name)' is of type file: an environment variable cannot feed a file input")
            }
            try NameRules.validateVariableName(variable)
        case .dataStore(let path):
            guard input.dataType == .file else {
                throw .badRequest("input '\(input.name)' is of type \(input.dataType.rawValue): a data store object "
                    + "can only feed a file input")
            }
            _ = try ObjectPath(path)
        case .null:
            break
        case .run:
            throw .badRequest("input '\(input.name)': a deployment cannot take an input as a run does; map it to the "
                + "endpoint instead", details: .object(["input": .string(input.name), "source": .string("run")]))
        }
    }

    public func planOutputs(_ given: [OutputMapping]) throws(SlipwayError) -> [OutputMapping] {
        var byName: [String: OutputMapping] = [:]
        for mapping in given {
            guard outputs.contains(where: { $0.name == mapping.output }) else {
                throw .badRequest("'\(NameRules.printable(mapping.output))' is mapped but is not an output of "
                    + "this pipeline; outputs are: \(outputs.map(\.name).joined(separator: ", "))",
                    details: .object(["output": .string(mapping.output)]))
            }
            guard byName.updateValue(mapping, forKey: mapping.output) == nil else {
                throw .badRequest("output '\(mapping.output)' is mapped twice", details: .object(["output": .string(mapping.output)]))
            }
        }
        var planned: [OutputMapping] = []
        var exposed: Set<String> = []
        for output in outputs {
            var mapping: OutputMapping
            if let given = byName[output.name] {
                mapping = given
            } else if rule == .endpoint {
                mapping = OutputMapping(output: output.name, destination: .endpoint(name: output.name))
            } else {
                throw .badRequest("output '\(output.name)' is not mapped: a periodic deployment must map every output "
                    + "(to a data-store object or null)", details: .object(["output": .string(output.name)]))
            }
            switch mapping.destination {
            case .endpoint(let name):
                guard rule == .endpoint else {
                    throw .badRequest("output '\(output.name)': only endpoint deployments can return an output to the caller",
                                      details: .object(["output": .string(output.name), "destination": .string("endpoint")]))
                }
                try NameRules.validateIOName(name)
                guard exposed.insert(name).inserted else {
                    throw .badRequest("endpoint output name '\(NameRules.printable(name))' is used twice")
                }
            case .dataStore(let path):
                _ = try ObjectPath(ObjectPath.expandPlaceholders(path, executionID: "x", at: Date(timeIntervalSince1970: 0)))
            case .null:
                break
            case .run:
                throw .badRequest("output '\(output.name)': a deployment cannot return an output as a run does; map it "
                    + "to the endpoint instead", details: .object(["output": .string(output.name), "destination": .string("run")]))
            }
            planned.append(mapping)
        }
        return planned
    }

    /// An update may change mapping values (constants, paths, names, variables) but not the kind of
    /// source of an input or output.
    public static func checkSameKinds(old: [InputMapping], new: [InputMapping]) throws(SlipwayError) {
        let before = Dictionary(old.map { ($0.input, $0.source.kind) }, uniquingKeysWith: { a, _ in a })
        for mapping in new where before[mapping.input] != mapping.source.kind {
            throw .badRequest("input '\(mapping.input)': an update can change a mapping's value, not its kind "
                + "(\(before[mapping.input]?.rawValue ?? "none") → \(mapping.source.kind.rawValue)); "
                + "create a new deployment instead",
                details: .object(["input": .string(mapping.input), "source": .string(mapping.source.kind.rawValue)]))
        }
    }

    public static func checkSameKinds(old: [OutputMapping], new: [OutputMapping]) throws(SlipwayError) {
        let before = Dictionary(old.map { ($0.output, $0.destination.kind) }, uniquingKeysWith: { a, _ in a })
        for mapping in new where before[mapping.output] != mapping.destination.kind {
            throw .badRequest("output '\(mapping.output)': an update can change a mapping's value, not its kind "
                + "(\(before[mapping.output]?.rawValue ?? "none") → \(mapping.destination.kind.rawValue)); "
                + "create a new deployment instead",
                details: .object(["output": .string(mapping.output),
                                  "destination": .string(mapping.destination.kind.rawValue)]))
        }
    }
}
