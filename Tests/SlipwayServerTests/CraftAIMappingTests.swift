import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The SDK's `InputSource` / `OutputDestination` dicts read into typed mappings and written back.
@Suite struct CraftAIMappingTests {
    private func refused(_ json: JSONValue, _ message: String, output: Bool = false,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            if output { _ = try CraftAIMapping.output(json) } else { _ = try CraftAIMapping.input(json) }
            Issue.record("expected a BadRequest error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
            #expect(error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test func inputDictsReadAsTypedSources() throws {
        let name: JSONValue = .string("a")
        #expect(try CraftAIMapping.input(.object(["pipeline_input_name": name, "constant_value": .number(3)]))
            == InputMapping(input: "a", source: .constant(.number(3))))
        #expect(try CraftAIMapping.input(.object(["pipeline_input_name": name, "is_null": .bool(true)]))
            == InputMapping(input: "a", source: .null))
        #expect(try CraftAIMapping.input(.object(["pipeline_input_name": name, "environment_variable_name": .string("V")]))
            == InputMapping(input: "a", source: .environmentVariable(name: "V")))
        #expect(try CraftAIMapping.input(.object(["pipeline_input_name": name, "datastore_path": .string("x/y.csv")]))
            == InputMapping(input: "a", source: .dataStore(path: "x/y.csv")))
        #expect(try CraftAIMapping.input(.object(["pipeline_input_name": name, "endpoint_input_name": .string("x"),
                                                  "is_required": .bool(false), "default_value": .number(1)]))
            == InputMapping(input: "a", source: .endpoint(name: "x", required: false, default: .number(1))))
    }

    @Test func inputDictsNeedExactlyOneSource() {
        let name: JSONValue = .string("a")
        refused(.object(["pipeline_input_name": name]), "must set exactly one of")
        refused(.object(["pipeline_input_name": name, "constant_value": .number(3), "environment_variable_name": .string("X")]),
                "must set exactly one of")
        refused(.object(["pipeline_input_name": name, "is_null": .bool(false)]), "must set exactly one of")
        refused(.object(["constant_value": .number(3)]), "needs a pipeline_input_name")
        refused(.string("x"), "needs a pipeline_input_name")
    }

    @Test func requiredAndDefaultOnlyWithEndpointMapping() {
        let name: JSONValue = .string("a")
        for extra in [["is_required": JSONValue.bool(true)], ["default_value": .number(1)], ["is_required": .bool(false)]] {
            for source in [["constant_value": JSONValue.number(1)], ["environment_variable_name": .string("L")],
                           ["datastore_path": .string("x")], ["is_null": .bool(true)]] {
                var object: [String: JSONValue] = ["pipeline_input_name": name]
                object.merge(extra) { $1 }
                object.merge(source) { $1 }
                refused(.object(object), "is_required and default_value only apply to an endpoint_input_name mapping")
            }
        }
    }

    @Test func outputDicts() throws {
        refused(.object(["pipeline_output_name": .string("a"), "is_null": .bool(true), "datastore_path": .string("x")]),
                "must set exactly one of", output: true)
        refused(.object(["datastore_path": .string("x")]), "needs a pipeline_output_name", output: true)
        #expect(try CraftAIMapping.output(.object(["pipeline_output_name": .string("a"), "datastore_path": .string("x")]))
            == OutputMapping(output: "a", destination: .dataStore(path: "x")))
        #expect(try CraftAIMapping.output(.object(["pipeline_output_name": .string("a"), "endpoint_output_name": .string("b")]))
            == OutputMapping(output: "a", destination: .endpoint(name: "b")))
    }

    @Test func dictsWrittenBackReadToTheSameMapping() throws {
        let inputs = [
            InputMapping(input: "a", source: .endpoint(name: "x", required: false, default: .number(2))),
            InputMapping(input: "a", source: .endpoint(name: "a")),
            InputMapping(input: "b", source: .environmentVariable(name: "V")),
            InputMapping(input: "c", source: .constant(.array([.null]))),
            InputMapping(input: "d", source: .dataStore(path: "x/y")),
            InputMapping(input: "e", source: .null),
        ]
        #expect(CraftAIMapping.json(inputs[0]) == [
            "pipeline_input_name": .string("a"), "endpoint_input_name": .string("x"), "is_required": .bool(false),
            "default_value": .number(2),
        ])
        #expect(CraftAIMapping.json(inputs[5]) == ["pipeline_input_name": .string("e"), "is_null": .bool(true)])
        for mapping in inputs {
            #expect(try CraftAIMapping.input(.object(CraftAIMapping.json(mapping))) == mapping)
        }
        let outputs = [
            OutputMapping(output: "s", destination: .endpoint(name: "total")),
            OutputMapping(output: "s", destination: .null),
            OutputMapping(output: "s", destination: .dataStore(path: "out/{date}.txt")),
        ]
        #expect(outputs.map(CraftAIMapping.json) == [
            ["pipeline_output_name": .string("s"), "endpoint_output_name": .string("total")],
            ["pipeline_output_name": .string("s"), "is_null": .bool(true)],
            ["pipeline_output_name": .string("s"), "datastore_path": .string("out/{date}.txt")],
        ])
        for mapping in outputs {
            #expect(try CraftAIMapping.output(.object(CraftAIMapping.json(mapping))) == mapping)
        }
    }

    @Test func executionViewsUseTheSDKsMappingTypes() {
        #expect(CraftAIMapping.type(of: InputSource.dataStore(path: "p")) == "datastore")
        #expect(CraftAIMapping.type(of: InputSource.null) == "is_null")
        #expect(CraftAIMapping.value(of: InputSource.run, input: "a") == ["run_input_name": .string("a")])
        #expect(CraftAIMapping.value(of: InputSource.endpoint(name: "x", required: true, default: .number(1)), input: "a")
            == ["endpoint_input_name": .string("x")])
        #expect(CraftAIMapping.type(of: OutputDestination.run) == "run")
        #expect(CraftAIMapping.value(of: OutputDestination.run, output: "o") == ["run_output_name": .string("o")])
        #expect(CraftAIMapping.value(of: OutputDestination.dataStore(path: "out/1.txt"), output: "o")
            == ["datastore_path": .string("out/1.txt")])
    }
}
