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
            InputMapping(input: "a", source: .constant(.number(1))),
            InputMapping(input: "label", source: .environmentVariable(name: "LABEL")),
            InputMapping(input: "flag", source: .null),
            InputMapping(input: "doc", source: .dataStore(path: "data/in.csv")),
            InputMapping(input: "cfg", source: .constant(.object(["k": .number(1)]))),
            InputMapping(input: "items", source: .constant(.array([]))),
        ]
        if let override, let index = mappings.firstIndex(where: { $0.input == override.input }) {
            mappings[index] = override
        }
        return mappings
    }

    // MARK: - Auto-mapping and completeness

    @Test func endpointAutoMapsEverythingToItsOwnName() throws {
        let planned = try planner(.endpoint, inputs: Array(Self.inputs.prefix(4))).planInputs([])
        #expect(planned == [
            InputMapping(input: "a", source: .endpoint(name: "a")),
            InputMapping(input: "label", source: .endpoint(name: "label")),
            InputMapping(input: "flag", source: .endpoint(name: "flag")),
            InputMapping(input: "doc", source: .endpoint(name: "doc")),
        ])
        let outputs = try planner(.endpoint).planOutputs([])
        #expect(outputs == [
            OutputMapping(output: "sum", destination: .endpoint(name: "sum")),
            OutputMapping(output: "report", destination: .endpoint(name: "report")),
        ])
    }

    @Test func endpointKeepsGivenMappingsAndCompletesTheRest() throws {
        let planned = try planner(.endpoint).planInputs([
            InputMapping(input: "doc", source: .dataStore(path: "data/x.csv")),
            InputMapping(input: "a", source: .endpoint(name: "number", required: false, default: .number(3))),
            InputMapping(input: "cfg", source: .constant(.string("anything"))),
        ])
        #expect(planned.map(\.input) == ["a", "label", "flag", "doc", "cfg", "items"],
                "declaration order, whatever the given order")
        #expect(planned[0] == InputMapping(input: "a", source: .endpoint(name: "number", required: false, default: .number(3))))
        #expect(planned[1] == InputMapping(input: "label", source: .endpoint(name: "label")))
        #expect(planned[3].source.kind == .dataStore)
        #expect(planned[4].source.kind == .constant)
        #expect(planned[5].source.kind == .endpoint)

        let outputs = try planner(.endpoint).planOutputs([
            OutputMapping(output: "report", destination: .dataStore(path: "out/{execution_id}.txt")),
        ])
        #expect(outputs == [
            OutputMapping(output: "sum", destination: .endpoint(name: "sum")),
            OutputMapping(output: "report", destination: .dataStore(path: "out/{execution_id}.txt")),
        ])
    }

    @Test func periodicRequiresEveryInputMapped() throws {
        let planned = try planner(.periodic).planInputs(periodicInputs())
        #expect(planned == periodicInputs())
        for missing in Self.inputs.map(\.name) {
            let partial = periodicInputs().filter { $0.input != missing }
            expectBadRequest("input '\(missing)' is not mapped: a periodic deployment must map every input") {
                _ = try planner(.periodic).planInputs(partial)
            }
        }
    }

    @Test func periodicRequiresEveryOutputMapped() throws {
        let complete = [
            OutputMapping(output: "sum", destination: .null),
            OutputMapping(output: "report", destination: .dataStore(path: "reports/{date_time}.pdf")),
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
            _ = try empty.planInputs([InputMapping(input: "x", source: .null)])
        }
    }

    // MARK: - Names

    @Test func unknownAndDuplicateMappings() {
        for rule in [ExecutionRule.endpoint, .periodic] {
            expectBadRequest("'zzz' is mapped but is not an input of this pipeline; inputs are: a, label, flag, doc, cfg, items") {
                _ = try planner(rule).planInputs([InputMapping(input: "zzz", source: .null)])
            }
            expectBadRequest("input 'a' is mapped twice") {
                _ = try planner(rule).planInputs([
                    InputMapping(input: "a", source: .constant(.number(1))),
                    InputMapping(input: "a", source: .null),
                ])
            }
            expectBadRequest("'zzz' is mapped but is not an output of this pipeline; outputs are: sum, report") {
                _ = try planner(rule).planOutputs([OutputMapping(output: "zzz", destination: .null)])
            }
            expectBadRequest("output 'sum' is mapped twice") {
                _ = try planner(rule).planOutputs([
                    OutputMapping(output: "sum", destination: .null),
                    OutputMapping(output: "sum", destination: .null),
                ])
            }
        }
    }

    @Test func endpointNamesOnlyForEndpointRule() {
        expectBadRequest("input 'a': only endpoint deployments can take an input from the caller") {
            _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(input: "a", source: .endpoint(name: "a"))))
        }
        expectBadRequest("output 'sum': only endpoint deployments can return an output to the caller") {
            _ = try planner(.periodic).planOutputs([
                OutputMapping(output: "sum", destination: .endpoint(name: "sum")),
                OutputMapping(output: "report", destination: .null),
            ])
        }
    }

    @Test(arguments: ["", "1abc", "with-dash", "sp ace", "é", String(repeating: "x", count: 129)])
    func exposedNamesMustBePythonIdentifiers(_ name: String) {
        expectBadRequest("must be a Python identifier") {
            _ = try planner(.endpoint).planInputs([InputMapping(input: "a", source: .endpoint(name: name))])
        }
        expectBadRequest("must be a Python identifier") {
            _ = try planner(.endpoint).planOutputs([OutputMapping(output: "sum", destination: .endpoint(name: name))])
        }
    }

    @Test func exposedNamesMayDifferFromPipelineNames() throws {
        let planned = try planner(.endpoint).planInputs([
            InputMapping(input: "a", source: .endpoint(name: "_x1")),
            InputMapping(input: "label", source: .endpoint(name: "a")),
        ])
        #expect(planned[0].source.endpointName == "_x1")
        #expect(planned[1].source.endpointName == "a", "a name freed by a rename can be reused")
    }

    @Test func duplicateExposedNames() {
        expectBadRequest("endpoint input name 'x' is used twice") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(input: "a", source: .endpoint(name: "x")),
                InputMapping(input: "label", source: .endpoint(name: "x")),
            ])
        }
        // An explicit name colliding with another input's automatic one.
        expectBadRequest("endpoint input name 'label' is used twice") {
            _ = try planner(.endpoint).planInputs([InputMapping(input: "a", source: .endpoint(name: "label"))])
        }
        expectBadRequest("endpoint output name 'out' is used twice") {
            _ = try planner(.endpoint).planOutputs([
                OutputMapping(output: "sum", destination: .endpoint(name: "out")),
                OutputMapping(output: "report", destination: .endpoint(name: "out")),
            ])
        }
        expectBadRequest("endpoint output name 'report' is used twice") {
            _ = try planner(.endpoint).planOutputs([OutputMapping(output: "sum", destination: .endpoint(name: "report"))])
        }
    }

    // MARK: - Compatibility matrix

    @Test func constantCannotFeedFile() {
        for rule in [ExecutionRule.endpoint, .periodic] {
            expectBadRequest("input 'doc' is of type file: a constant cannot feed a file input") {
                _ = try planner(rule).planInputs(periodicInputs(
                    InputMapping(input: "doc", source: .constant(.object(["path": .string("x")])))))
            }
        }
    }

    @Test func constantsAreTypeChecked() throws {
        let wrong: [(String, JSONValue)] = [
            ("a", .string("1")), ("label", .number(1)), ("flag", .string("true")), ("items", .object([:])),
        ]
        for (name, value) in wrong {
            expectBadRequest("constant for input '\(name)' must be of type") {
                _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(input: name, source: .constant(value))))
            }
        }
        let right: [(String, JSONValue)] = [
            ("a", .number(2.5)), ("label", .string("x")), ("flag", .bool(false)), ("items", .array([.number(1)])),
            ("cfg", .string("json takes anything")), ("a", .null),
        ]
        for (name, value) in right {
            let planned = try planner(.periodic).planInputs(periodicInputs(InputMapping(input: name, source: .constant(value))))
            #expect(planned.first { $0.input == name }?.source == .constant(value))
        }
    }

    @Test func environmentVariableIsInputOnlyAndNotForFiles() throws {
        for rule in [ExecutionRule.endpoint, .periodic] {
            expectBadRequest("an environment variable cannot feed a file input") {
                _ = try planner(rule).planInputs(periodicInputs(
                    InputMapping(input: "doc", source: .environmentVariable(name: "DOC"))))
            }
        }
        for type in IODataType.allCases where type != .file {
            let planned = try planner(.periodic, inputs: [InputDefinition(name: "v", dataType: type)], outputs: [])
                .planInputs([InputMapping(input: "v", source: .environmentVariable(name: "MY_VAR_1"))])
            #expect(planned[0].source.kind == .environmentVariable, "\(type)")
        }
        for bad in ["1X", "A-B", "", "A B"] {
            expectBadRequest("environment variable name") {
                _ = try planner(.periodic).planInputs(periodicInputs(
                    InputMapping(input: "label", source: .environmentVariable(name: bad))))
            }
        }
    }

    @Test func datastoreInputOnlyForFiles() throws {
        for name in ["a", "label", "flag", "cfg", "items"] {
            expectBadRequest("a data store object can only feed a file input") {
                _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(input: name, source: .dataStore(path: "x.csv"))))
            }
        }
        let planned = try planner(.endpoint).planInputs([InputMapping(input: "doc", source: .dataStore(path: "dir/x.csv"))])
        #expect(planned[3] == InputMapping(input: "doc", source: .dataStore(path: "dir/x.csv")))
        for bad in ["../x", "/abs/x", "dir/", "a//b", ""] {
            expectBadRequest("path_to_object") {
                _ = try planner(.periodic).planInputs(periodicInputs(InputMapping(input: "doc", source: .dataStore(path: bad))))
            }
        }
    }

    @Test func isNullFeedsAnything() throws {
        let mappings = Self.inputs.map { InputMapping(input: $0.name, source: .null) }
        let planned = try planner(.periodic).planInputs(mappings)
        #expect(planned.allSatisfy { $0.source.kind == .null })
        #expect(try planner(.endpoint).planInputs(mappings) == planned)
    }

    @Test func outputDestinations() throws {
        for rule in [ExecutionRule.endpoint, .periodic] {
            let planned = try planner(rule).planOutputs([
                OutputMapping(output: "sum", destination: .null),
                OutputMapping(output: "report", destination: .dataStore(path: "out/{execution_id}/{date}/{date_time}.bin")),
            ])
            #expect(planned.map(\.destination.kind) == [.null, .dataStore])
            #expect(planned[1].destination.dataStorePath == "out/{execution_id}/{date}/{date_time}.bin", "kept as a template")
        }
        for bad in ["../{execution_id}", "/abs/{date}", "out/", "a/./b"] {
            expectBadRequest {
                _ = try planner(.endpoint).planOutputs([OutputMapping(output: "report", destination: .dataStore(path: bad))])
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
                InputMapping(input: "left", source: .endpoint(name: "l")),
                InputMapping(input: "right", source: .endpoint(name: "r")),
            ])
        }
        let planned = try planner(.endpoint, inputs: twoFiles, outputs: []).planInputs([
            InputMapping(input: "right", source: .dataStore(path: "static/right.bin")),
        ])
        #expect(planned.map(\.source.kind) == [.endpoint, .dataStore, .endpoint])
        let nulled = try planner(.endpoint, inputs: twoFiles, outputs: []).planInputs([
            InputMapping(input: "left", source: .null),
        ])
        #expect(nulled.map(\.source.kind) == [.null, .endpoint, .endpoint])
    }

    // MARK: - Endpoint defaults

    @Test func defaultValueTypeChecked() throws {
        expectBadRequest("default value of input 'a' must be of type number, got string") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(input: "a", source: .endpoint(name: "a", default: .string("3"))),
            ])
        }
        expectBadRequest("default value of input 'flag' must be of type boolean") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(input: "flag", source: .endpoint(name: "flag", default: .number(0))),
            ])
        }
        expectBadRequest("input 'doc' is of type file and cannot have a default value") {
            _ = try planner(.endpoint).planInputs([
                InputMapping(input: "doc", source: .endpoint(name: "doc", default: .object(["path": .string("x")]))),
            ])
        }
        let planned = try planner(.endpoint).planInputs([
            InputMapping(input: "a", source: .endpoint(name: "a", required: true, default: .number(3))),
            InputMapping(input: "cfg", source: .endpoint(name: "cfg", default: .array([.bool(true)]))),
            InputMapping(input: "doc", source: .endpoint(name: "doc", required: true)),
        ])
        #expect(planned[0].source == .endpoint(name: "a", required: true, default: .number(3)))
        #expect(planned[4].source == .endpoint(name: "cfg", default: .array([.bool(true)])))
        #expect(planned[3].source == .endpoint(name: "doc", required: true), "required alone is fine on a file")
    }

    // MARK: - Updates

    @Test func updatesKeepTheKindOfEachSource() throws {
        let old = periodicInputs()
        var changed = old
        changed[0] = InputMapping(input: "a", source: .constant(.number(99)))
        changed[1] = InputMapping(input: "label", source: .environmentVariable(name: "OTHER"))
        changed[3] = InputMapping(input: "doc", source: .dataStore(path: "data/other.csv"))
        try DeploymentMappingPlanner.checkSameKinds(old: old, new: changed)
        try DeploymentMappingPlanner.checkSameKinds(old: old, new: old)

        var kindChange = old
        kindChange[0] = InputMapping(input: "a", source: .environmentVariable(name: "A"))
        expectBadRequest("input 'a': an update can change a mapping's value, not its kind (constant → environment_variable)") {
            try DeploymentMappingPlanner.checkSameKinds(old: old, new: kindChange)
        }
        expectBadRequest("(none → null)") {
            try DeploymentMappingPlanner.checkSameKinds(old: [], new: [InputMapping(input: "x", source: .null)])
        }

        let outputs = [OutputMapping(output: "sum", destination: .endpoint(name: "sum")),
                       OutputMapping(output: "report", destination: .dataStore(path: "a"))]
        try DeploymentMappingPlanner.checkSameKinds(old: outputs, new: [
            OutputMapping(output: "sum", destination: .endpoint(name: "total")),
            OutputMapping(output: "report", destination: .dataStore(path: "b")),
        ])
        expectBadRequest("output 'report': an update can change a mapping's value, not its kind") {
            try DeploymentMappingPlanner.checkSameKinds(old: outputs, new: [
                OutputMapping(output: "report", destination: .null),
            ])
        }
    }

    // MARK: - Kinds and stored encoding

    @Test func sourceAndDestinationKinds() {
        #expect(InputSource.endpoint(name: "x").kind == .endpoint)
        #expect(InputSource.environmentVariable(name: "X").kind == .environmentVariable)
        #expect(InputSource.constant(.null).kind == .constant)
        #expect(InputSource.dataStore(path: "p").kind == .dataStore)
        #expect(InputSource.null.kind == .null)
        #expect(InputSource.run.kind == .run)
        #expect(OutputDestination.endpoint(name: "y").kind == .endpoint)
        #expect(OutputDestination.dataStore(path: "p").kind == .dataStore)
        #expect(OutputDestination.null.kind == .null)
        #expect(OutputDestination.run.kind == .run)
    }

    @Test func inputMappingStoredEncodingRoundTrips() throws {
        let endpoint = InputMapping(input: "a", source: .endpoint(name: "x", required: false, default: .number(2)))
        #expect(endpoint.stored == .object([
            "input": .string("a"), "source": .string("endpoint"), "name": .string("x"), "required": .bool(false),
            "default": .number(2),
        ]))
        #expect(InputMapping(input: "a", source: .constant(.array([.null]))).stored == .object([
            "input": .string("a"), "source": .string("constant"), "value": .array([.null]),
        ]))
        #expect(InputMapping(input: "d", source: .dataStore(path: "x/y")).stored == .object([
            "input": .string("d"), "source": .string("data_store"), "path": .string("x/y"),
        ]))
        let all = periodicInputs() + [endpoint, InputMapping(input: "r", source: .run),
                                      InputMapping(input: "n", source: .endpoint(name: "n", default: .null))]
        for mapping in all {
            #expect(InputMapping(stored: mapping.stored) == mapping)
        }
        #expect(InputMapping(stored: .object(["input": .string("a"), "source": .string("constant")])) == nil,
                "a constant without its value")
        #expect(InputMapping(stored: .object(["input": .string("a"), "source": .string("datastore")])) == nil)
        #expect(InputMapping(stored: .string("a")) == nil)
    }

    @Test func outputMappingStoredEncodingRoundTrips() throws {
        let mappings = [
            OutputMapping(output: "s", destination: .endpoint(name: "total")),
            OutputMapping(output: "s", destination: .null),
            OutputMapping(output: "s", destination: .dataStore(path: "out/{date}.txt")),
            OutputMapping(output: "s", destination: .run),
        ]
        #expect(mappings.map(\.stored) == [
            .object(["output": .string("s"), "destination": .string("endpoint"), "name": .string("total")]),
            .object(["output": .string("s"), "destination": .string("null")]),
            .object(["output": .string("s"), "destination": .string("data_store"), "path": .string("out/{date}.txt")]),
            .object(["output": .string("s"), "destination": .string("run")]),
        ])
        for mapping in mappings {
            #expect(OutputMapping(stored: mapping.stored) == mapping)
        }
        #expect(OutputMapping(stored: .object(["output": .string("s"), "destination": .string("endpoint")])) == nil)
    }

    @Test func deploymentsRefuseRunSourcesAndDestinations() {
        expectBadRequest("a deployment cannot take an input as a run does") {
            _ = try planner(.endpoint).planInputs([InputMapping(input: "a", source: .run)])
        }
        expectBadRequest("a deployment cannot return an output as a run does") {
            _ = try planner(.endpoint).planOutputs([OutputMapping(output: "sum", destination: .run)])
        }
    }
}
