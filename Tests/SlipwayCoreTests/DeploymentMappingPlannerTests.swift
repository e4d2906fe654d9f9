import Foundation
import Testing

@testable import SlipwayCore

@Suite("DeploymentMappingPlanner")
struct DeploymentMappingPlannerTests {
    static let inputs: [InputDefinition] = [
        InputDefinition(name: "a", dataType: .number),
        InputDefinition(name: "label", dataType: .string, isRequired: false, defaultValue: .string("dflt")),
        InputDefinition(name: "flag", dataType: .boolean, isRequired: false),
        InputDefinition(name: "doc", dataType: .file, isRequired: false),
        InputDefinition(name: "cfg", dataType: .json, isRequired: false),
        InputDefinition(name: "items", dataType: .array, isRequired: false),
    ]
    static let outputs: [OutputDefinition] = [
        OutputDefinition(name: "sum", dataType: .number),
        OutputDefinition(name: "report", dataType: .file),
    ]

    func planner(_ rule: ExecutionRule, inputs: [InputDefinition] = Self.inputs,
                 outputs: [OutputDefinition] = Self.outputs) -> DeploymentMappingPlanner {
        DeploymentMappingPlanner(inputs: inputs, outputs: outputs, rule: rule)
    }

    /// A complete, valid periodic mapping of `inputs`, with `override` replacing one entry.
    func periodicInputs(_ override: InputMapping? = nil) -> [InputMapping] {
        var mappings = [
            InputMapping(pipelineInputName: "a", constantValue: .number(1)),
            InputMapping(pipelineInputName: "label", environmentVariableName: "LABEL"),
            InputMapping(pipelineInputName: "flag", isNull: true),
            InputMapping(pipelineInputName: "doc", datastorePath: "data/in.csv"),
            InputMapping(pipelineInputName: "cfg", constantValue: .object(["k": .number(1)])),
            InputMapping(pipelineInputName: "items", constantValue: .array([])),
        ]
        if let override, let index = mappings.firstIndex(where: { $0.pipelineInputName == override.pipelineInputName }) {
            mappings[index] = override
        }
        return mappings
    }

    // MARK: - Auto-mapping and completeness

    @Test func endpointAutoMapsEverythingToItsOwnName() throws {
        let planned = try planner(.endpoint, inputs: Array(Self.inputs.prefix(4))).planInputs([])
        #expect(planned == [
            InputMapping(pipelineInputName: "a", endpointInputName: "a"),
            InputMapping(pipelineInputName: "label", endpointInputName: "label"),
            InputMapping(pipelineInputName: "flag", endpointInputName: "flag"),
            InputMapping(pipelineInputName: "doc", endpointInputName: "doc"),
        ])
        let outputs = try planner(.endpoint).planOutputs([])
        #expect(outputs == [
            OutputMapping(pipelineOutputName: "sum", endpointOutputName: "sum"),
            OutputMapping(pipelineOutputName: "report", endpointOutputName: "report"),
        ])
    }

    @Test func endpointKeepsGivenMappingsAndCompletesTheRest() throws {
        let planned = try planner(.endpoint).planInputs([
            InputMapping(pipelineInputName: "doc", datastorePath: "data/x.csv"),
            InputMapping(pipelineInputName: "a", endpointInputName: "number", isRequired: false, defaultValue: .number(3)),
            InputMapping(pipelineInputName: "cfg", constantValue: .string("anything")),
        ])
        #expect(planned.map(\.pipelineInputName) == ["a", "label", "flag", "doc", "cfg", "items"],
                "declaration order, whatever the given order")
        #expect(planned[0] == InputMapping(pipelineInputName: "a", endpointInputName: "number", isRequired: false,
                                           defaultValue: .number(3)))
        #expect(planned[1] == InputMapping(pipelineInputName: "label", endpointInputName: "label"))
        #expect(planned[3].sourceKind == .datastore)
        #expect(planned[4].sourceKind == .constant)
        #expect(planned[5].sourceKind == .endpoint)

        let outputs = try planner(.endpoint).planOutputs([
            OutputMapping(pipelineOutputName: "report", datastorePath: "out/{execution_id}.txt"),
        ])
        #expect(outputs == [
            OutputMapping(pipelineOutputName: "sum", endpointOutputName: "sum"),
            OutputMapping(pipelineOutputName: "report", datastorePath: "out/{execution_id}.txt"),
        ])
    }

    @Test func periodicRequiresEveryInputMapped() throws {
        let planned = try planner(.periodic).planInputs(periodicInputs())
        #expect(planned == periodicInputs())
        for missing in Self.inputs.map(\.name) {
            let partial = periodicInputs().filter { $0.pipelineInputName != missing }
            expectBadRequest("input '\(missing)' is not mapped: a periodic deployment must map every input") {
                _ = try planner(.periodic).planInputs(partial)
            }
        }
    }

    @Test func periodicRequiresEveryOutputMapped() throws {
        let complete = [
            OutputMapping(pipelineOutputName: "sum", isNull: true),
            OutputMapping(pipelineOutputName: "report", datastorePath: "reports/{date_time}.pdf"),
        ]
        #expect(try planner(.periodic).planOutputs(complete) == complete)
        expectBadRequest("output 'report' is not mapped: a periodic deployment must map every output") {
            _ = try planner(.periodic).planOutputs([complete[0]])
        }
        expectBadRequest("output 'sum' is not mapped") {
            _ = try planner(.periodic).planOutputs([])
        }
    }

    @Test func noInputsNoOutputs() throws {
        let empty = planner(.periodic, inputs: [], outputs: [])
        #expect(try empty.planInputs([]) == [])
        #expect(try empty.planOutputs([]) == [])
        expectBadRequest("inputs are: ") {
            _ = try empty.planInputs([InputMapping(pipelineInputName: "x", isNull: true)])
        }
    }

    // MARK: - Names

    @Test func unknownAndDuplicateMappings() {
        for rule in [ExecutionRule.endpoint, .periodic] {
            expectBadRequest("names 'zzz', which is not an input of this pipeline; inputs are: a, label, flag, doc, cfg, items") {
                _ = try planner(rule).planInputs([InputMapping(pipelineInputName: "zzz", isNull: true)])
            }
            expectBadRequest("input 'a' is mapped twice") {
                _ = try planner(rule).planInputs([
                    InputMapping(pipelineInputName: "a", constantValue: .number(1)),
                    InputMapping(pipelineInputName: "a", isNull: true),
                ])
            }
            expectBadRequest("names 'zzz', which is not an output of this pipeline; outputs are: sum, report") {
                _ = try planner(rule).planOutputs([OutputMapping(pipelineOutputName: "zzz", isNull: true)])
            }
            expectBadRequest("output 'sum' is mapped twice") {
                _ = try planner(rule).planOutputs([
                    OutputMapping(pipelineOutputName: "sum", isNull: true),
                    OutputMapping(pipelineOutputName: "sum", isNull: true),
                ])
            }
        }
    }

    @Test func endpointNamesOnlyForEndpointRule() {
        expectBadRequest("input 'a': endpoint_input_name can only be used by endpoint deployments") {
            _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(pipelineInputName: "a", endpointInputName: "a")))
        }
        expectBadRequest("output 'sum': endpoint_output_name can only be used by endpoint deployments") {
            _ = try planner(.periodic).planOutputs([
                OutputMapping(pipelineOutputName: "sum", endpointOutputName: "sum"),
                OutputMapping(pipelineOutputName: "report", isNull: true),
            ])
        }
    }

    @Test(arguments: ["", "1abc", "with-dash", "sp ace", "é", String(repeating: "x", count: 129)])
    func exposedNamesMustBePythonIdentifiers(_ name: String) {
        expectBadRequest("must be a Python identifier") {
            _ = try planner(.endpoint).planInputs([InputMapping(pipelineInputName: "a", endpointInputName: name)])
        }
        expectBadRequest("must be a Python identifier") {
            _ = try planner(.endpoint).planOutputs([OutputMapping(pipelineOutputName: "sum", endpointOutputName: name)])
        }
    }

    @Test func exposedNamesMayDifferFromPipelineNames() throws {
        let planned = try planner(.endpoint).planInputs([
            InputMapping(pipelineInputName: "a", endpointInputName: "_x1"),
            InputMapping(pipelineInputName: "label", endpointInputName: "a"),
        ])
        #expect(planned[0].endpointInputName == "_x1")
        #expect(planned[1].endpointInputName == "a", "a name freed by a rename can be reused")
    }

    @Test func duplicateExposedNames() {
        expectBadRequest("endpoint input name 'x' is used twice") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(pipelineInputName: "a", endpointInputName: "x"),
                InputMapping(pipelineInputName: "label", endpointInputName: "x"),
            ])
        }
        // An explicit name colliding with another input's automatic one.
        expectBadRequest("endpoint input name 'label' is used twice") {
            _ = try planner(.endpoint).planInputs([InputMapping(pipelineInputName: "a", endpointInputName: "label")])
        }
        expectBadRequest("endpoint output name 'out' is used twice") {
            _ = try planner(.endpoint).planOutputs([
                OutputMapping(pipelineOutputName: "sum", endpointOutputName: "out"),
                OutputMapping(pipelineOutputName: "report", endpointOutputName: "out"),
            ])
        }
        expectBadRequest("endpoint output name 'report' is used twice") {
            _ = try planner(.endpoint).planOutputs([OutputMapping(pipelineOutputName: "sum", endpointOutputName: "report")])
        }
    }

    // MARK: - Compatibility matrix

    @Test func constantCannotFeedFile() {
        for rule in [ExecutionRule.endpoint, .periodic] {
            expectBadRequest("input 'doc' is of type file: a constant cannot feed a file input") {
                _ = try planner(rule).planInputs(periodicInputs(
                    InputMapping(pipelineInputName: "doc", constantValue: .object(["path": .string("x")]))))
            }
        }
    }

    @Test func constantsAreTypeChecked() throws {
        let wrong: [(String, JSONValue)] = [
            ("a", .string("1")), ("label", .number(1)), ("flag", .string("true")), ("items", .object([:])),
        ]
        for (name, value) in wrong {
            expectBadRequest("constant for input '\(name)' must be of type") {
                _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(pipelineInputName: name, constantValue: value)))
            }
        }
        let right: [(String, JSONValue)] = [
            ("a", .number(2.5)), ("label", .string("x")), ("flag", .bool(false)), ("items", .array([.number(1)])),
            ("cfg", .string("json takes anything")), ("a", .null),
        ]
        for (name, value) in right {
            let planned = try planner(.periodic).planInputs(periodicInputs(InputMapping(pipelineInputName: name, constantValue: value)))
            #expect(planned.first { $0.pipelineInputName == name }?.constantValue == value)
        }
    }

    @Test func environmentVariableIsInputOnlyAndNotForFiles() throws {
        for rule in [ExecutionRule.endpoint, .periodic] {
            expectBadRequest("an environment variable cannot feed a file input") {
                _ = try planner(rule).planInputs(periodicInputs(
                    InputMapping(pipelineInputName: "doc", environmentVariableName: "DOC")))
            }
        }
        for type in IODataType.allCases where type != .file {
            let planned = try planner(.periodic, inputs: [InputDefinition(name: "v", dataType: type)], outputs: [])
                .planInputs([InputMapping(pipelineInputName: "v", environmentVariableName: "MY_VAR_1")])
            #expect(planned[0].sourceKind == .environmentVariable, "\(type)")
        }
        for bad in ["1X", "A-B", "", "A B"] {
            expectBadRequest("environment variable name") {
                _ = try planner(.periodic).planInputs(periodicInputs(
                    InputMapping(pipelineInputName: "label", environmentVariableName: bad)))
            }
        }
        // Outputs have no environment-variable destination at all.
        #expect(throws: SlipwayError.self) {
            try OutputMapping(json: .object(["pipeline_output_name": .string("sum"),
                                             "environment_variable_name": .string("X")]))
        }
    }

    @Test func datastoreInputOnlyForFiles() throws {
        for name in ["a", "label", "flag", "cfg", "items"] {
            expectBadRequest("a data store object can only feed a file input") {
                _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(pipelineInputName: name, datastorePath: "x.csv")))
            }
        }
        let planned = try planner(.endpoint).planInputs([InputMapping(pipelineInputName: "doc", datastorePath: "dir/x.csv")])
        #expect(planned[3] == InputMapping(pipelineInputName: "doc", datastorePath: "dir/x.csv"))
        for bad in ["../x", "/abs/x", "dir/", "a//b", ""] {
            expectBadRequest("path_to_object") {
                _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(pipelineInputName: "doc", datastorePath: bad)))
            }
        }
    }

    @Test func isNullFeedsAnything() throws {
        let mappings = Self.inputs.map { InputMapping(pipelineInputName: $0.name, isNull: true) }
        let planned = try planner(.periodic).planInputs(mappings)
        #expect(planned.allSatisfy { $0.sourceKind == .isNull })
        #expect(try planner(.endpoint).planInputs(mappings) == planned)
    }

    @Test func outputDestinations() throws {
        for rule in [ExecutionRule.endpoint, .periodic] {
            let planned = try planner(rule).planOutputs([
                OutputMapping(pipelineOutputName: "sum", isNull: true),
                OutputMapping(pipelineOutputName: "report", datastorePath: "out/{execution_id}/{date}/{date_time}.bin"),
            ])
            #expect(planned.map(\.destinationKind) == [.isNull, .datastore])
            #expect(planned[1].datastorePath == "out/{execution_id}/{date}/{date_time}.bin", "kept as a template")
        }
        for bad in ["../{execution_id}", "/abs/{date}", "out/", "a/./b"] {
            expectBadRequest {
                _ = try planner(.endpoint).planOutputs([OutputMapping(pipelineOutputName: "report", datastorePath: bad)])
            }
        }
    }

    @Test func atMostOneEndpointFileInput() throws {
        let twoFiles = [
            InputDefinition(name: "left", dataType: .file),
            InputDefinition(name: "right", dataType: .file),
            InputDefinition(name: "n", dataType: .number),
        ]
        expectBadRequest("an endpoint accepts at most one file per call, but 2 file inputs are mapped") {
            _ = try planner(.endpoint, inputs: twoFiles, outputs: []).planInputs([])
        }
        expectBadRequest("at most one file per call") {
            _ = try planner(.endpoint, inputs: twoFiles, outputs: []).planInputs([
                InputMapping(pipelineInputName: "left", endpointInputName: "l"),
                InputMapping(pipelineInputName: "right", endpointInputName: "r"),
            ])
        }
        let planned = try planner(.endpoint, inputs: twoFiles, outputs: []).planInputs([
            InputMapping(pipelineInputName: "right", datastorePath: "static/right.bin"),
        ])
        #expect(planned.map(\.sourceKind) == [.endpoint, .datastore, .endpoint])
        let nulled = try planner(.endpoint, inputs: twoFiles, outputs: []).planInputs([
            InputMapping(pipelineInputName: "left", isNull: true),
        ])
        #expect(nulled.map(\.sourceKind) == [.isNull, .endpoint, .endpoint])
    }

    // MARK: - is_required and default_value

    @Test func requiredAndDefaultOnlyWithEndpointMapping() {
        let invalid: [InputMapping] = [
            InputMapping(pipelineInputName: "a", isRequired: true, constantValue: .number(1)),
            InputMapping(pipelineInputName: "a", defaultValue: .number(1), constantValue: .number(1)),
            InputMapping(pipelineInputName: "label", environmentVariableName: "L", isRequired: false),
            InputMapping(pipelineInputName: "doc", isRequired: false, datastorePath: "x"),
            InputMapping(pipelineInputName: "flag", defaultValue: .bool(true), isNull: true),
        ]
        for mapping in invalid {
            for rule in [ExecutionRule.endpoint, .periodic] {
                expectBadRequest("is_required and default_value only apply to an endpoint_input_name mapping") {
                    _ = try planner(rule).planInputs(periodicInputs(mapping))
                }
            }
        }
    }

    @Test func defaultValueTypeChecked() throws {
        expectBadRequest("default value of input 'a' must be of type number, got string") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(pipelineInputName: "a", endpointInputName: "a", defaultValue: .string("3")),
            ])
        }
        expectBadRequest("default value of input 'flag' must be of type boolean") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(pipelineInputName: "flag", endpointInputName: "flag", defaultValue: .number(0)),
            ])
        }
        expectBadRequest("input 'doc' is of type file and cannot have a default value") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(pipelineInputName: "doc", endpointInputName: "doc", defaultValue: .object(["path": .string("x")])),
            ])
        }
        let planned = try planner(.endpoint).planInputs([
            InputMapping(pipelineInputName: "a", endpointInputName: "a", isRequired: true, defaultValue: .number(3)),
            InputMapping(pipelineInputName: "cfg", endpointInputName: "cfg", defaultValue: .array([.bool(true)])),
            InputMapping(pipelineInputName: "doc", endpointInputName: "doc", isRequired: true),
        ])
        #expect(planned[0].defaultValue == .number(3))
        #expect(planned[0].isRequired == true)
        #expect(planned[4].defaultValue == .array([.bool(true)]))
        #expect(planned[3].isRequired == true, "is_required alone is fine on a file")
    }

    // MARK: - Updates

    @Test func updatesKeepTheKindOfEachSource() throws {
        let old = periodicInputs()
        var changed = old
        changed[0] = InputMapping(pipelineInputName: "a", constantValue: .number(99))
        changed[1] = InputMapping(pipelineInputName: "label", environmentVariableName: "OTHER")
        changed[3] = InputMapping(pipelineInputName: "doc", datastorePath: "data/other.csv")
        try DeploymentMappingPlanner.checkSameKinds(old: old, new: changed)
        try DeploymentMappingPlanner.checkSameKinds(old: old, new: old)

        var kindChange = old
        kindChange[0] = InputMapping(pipelineInputName: "a", environmentVariableName: "A")
        expectBadRequest("input 'a': an update can change a mapping's value, not its kind (constant → environment_variable)") {
            try DeploymentMappingPlanner.checkSameKinds(old: old, new: kindChange)
        }
        expectBadRequest("(none → is_null)") {
            try DeploymentMappingPlanner.checkSameKinds(old: [], new: [InputMapping(pipelineInputName: "x", isNull: true)])
        }

        let outputs = [OutputMapping(pipelineOutputName: "sum", endpointOutputName: "sum"),
                       OutputMapping(pipelineOutputName: "report", datastorePath: "a")]
        try DeploymentMappingPlanner.checkSameKinds(old: outputs, new: [
            OutputMapping(pipelineOutputName: "sum", endpointOutputName: "total"),
            OutputMapping(pipelineOutputName: "report", datastorePath: "b"),
        ])
        expectBadRequest("output 'report': an update can change a mapping's value, not its kind") {
            try DeploymentMappingPlanner.checkSameKinds(old: outputs, new: [
                OutputMapping(pipelineOutputName: "report", isNull: true),
            ])
        }
    }

    // MARK: - Kinds and JSON

    @Test func sourceAndDestinationKinds() {
        #expect(InputMapping(pipelineInputName: "x", endpointInputName: "x").sourceKind == .endpoint)
        #expect(InputMapping(pipelineInputName: "x", environmentVariableName: "X").sourceKind == .environmentVariable)
        #expect(InputMapping(pipelineInputName: "x", constantValue: .null).sourceKind == .constant)
        #expect(InputMapping(pipelineInputName: "x", datastorePath: "p").sourceKind == .datastore)
        #expect(InputMapping(pipelineInputName: "x", isNull: true).sourceKind == .isNull)
        #expect(InputMapping(pipelineInputName: "x").sourceKind == .isNull)
        #expect(OutputMapping(pipelineOutputName: "y", endpointOutputName: "y").destinationKind == .endpoint)
        #expect(OutputMapping(pipelineOutputName: "y", datastorePath: "p").destinationKind == .datastore)
        #expect(OutputMapping(pipelineOutputName: "y", isNull: true).destinationKind == .isNull)
    }

    @Test func inputMappingJSON() throws {
        let endpoint = InputMapping(pipelineInputName: "a", endpointInputName: "x", isRequired: false,
                                    defaultValue: .number(2))
        #expect(endpoint.json == .object([
            "pipeline_input_name": .string("a"), "endpoint_input_name": .string("x"), "is_required": .bool(false),
            "default_value": .number(2),
        ]))
        #expect(InputMapping(pipelineInputName: "a", environmentVariableName: "V").json == .object([
            "pipeline_input_name": .string("a"), "environment_variable_name": .string("V"),
        ]))
        #expect(InputMapping(pipelineInputName: "a", constantValue: .array([.null])).json == .object([
            "pipeline_input_name": .string("a"), "constant_value": .array([.null]),
        ]))
        #expect(InputMapping(pipelineInputName: "a", isNull: true).json == .object([
            "pipeline_input_name": .string("a"), "is_null": .bool(true),
        ]))
        #expect(InputMapping(pipelineInputName: "a", isNull: false).json == .object(["pipeline_input_name": .string("a")]))
        #expect(InputMapping(pipelineInputName: "d", datastorePath: "x/y").json == .object([
            "pipeline_input_name": .string("d"), "datastore_path": .string("x/y"),
        ]))
        // What the SDK sends back parses to the same mapping.
        for mapping in periodicInputs() + [endpoint] {
            #expect(try InputMapping(json: mapping.json) == mapping)
        }
    }

    @Test func outputMappingJSON() throws {
        let mappings = [
            OutputMapping(pipelineOutputName: "s", endpointOutputName: "total"),
            OutputMapping(pipelineOutputName: "s", isNull: true),
            OutputMapping(pipelineOutputName: "s", datastorePath: "out/{date}.txt"),
        ]
        #expect(mappings.map(\.json) == [
            .object(["pipeline_output_name": .string("s"), "endpoint_output_name": .string("total")]),
            .object(["pipeline_output_name": .string("s"), "is_null": .bool(true)]),
            .object(["pipeline_output_name": .string("s"), "datastore_path": .string("out/{date}.txt")]),
        ])
        for mapping in mappings {
            #expect(try OutputMapping(json: mapping.json) == mapping)
        }
    }
}
