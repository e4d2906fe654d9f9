import Foundation
import SQLKit
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Migration 8 rewrites mappings stored with the Craft AI SDK's keys (schema 7) into Slipway's
/// typed encoding, for deployments and for the inputs and outputs of past executions.
@Suite("Migration 8: typed mappings")
struct MappingMigrationTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test(arguments: StoreBackendKind.available)
    func legacyMappingsReadBackAsTypedValues(_ backend: StoreBackendKind) async throws {
        let temp = try await TestDatabase.create(backend)
        let inputsMapping = [
            InputMapping(input: "a", source: .endpoint(name: "x", required: false, default: .number(2))),
            InputMapping(input: "b", source: .constant(.object(["k": .array([.number(1), .string("two")])]))),
            InputMapping(input: "c", source: .environmentVariable(name: "THRESHOLD")),
            InputMapping(input: "d", source: .dataStore(path: "models/m.bin")),
            InputMapping(input: "e", source: .null),
        ]
        let outputsMapping = [
            OutputMapping(output: "o1", destination: .endpoint(name: "total")),
            OutputMapping(output: "o2", destination: .dataStore(path: "out/{execution_id}.json")),
            OutputMapping(output: "o3", destination: .null),
        ]
        let deployment = Deployment(
            id: "dep1", workspaceID: "ws1", name: "d1", pipelineID: "pid", pipelineName: "p1", stepID: "sid",
            rule: .endpoint, mode: .elastic, status: .ready, endpointPath: "d1", endpointTokenHash: "h",
            endpointTokenSealed: "s", inputsMapping: inputsMapping, outputsMapping: outputsMapping,
            createdAt: t0, createdBy: "u1")
        let inputs = [
            ExecutionInput(name: "a", dataType: .number, source: .endpoint(name: "x"), value: .number(1)),
            ExecutionInput(name: "b", dataType: .json, source: .constant(.object(["k": .array([.number(1)])])),
                           value: .object(["k": .array([.number(1)])])),
            ExecutionInput(name: "c", dataType: .string, source: .constant(.string("text")), value: .string("text")),
            ExecutionInput(name: "d", dataType: .number, source: .environmentVariable(name: "V"), value: .number(3)),
            ExecutionInput(name: "f", dataType: .file, source: .dataStore(path: "in/x.csv"), value: nil, fileName: "x.csv"),
            ExecutionInput(name: "g", dataType: .json, source: .null, value: .null),
            ExecutionInput(name: "h", dataType: .json, source: .run, value: .bool(true)),
        ]
        let outputs = [
            ExecutionOutput(name: "o1", dataType: .number, destination: .endpoint(name: "total")),
            ExecutionOutput(name: "o2", dataType: .json, destination: .dataStore(path: "out/e1.json")),
            ExecutionOutput(name: "o3", dataType: .json, destination: .null),
            ExecutionOutput(name: "o4", dataType: .json, destination: .run),
        ]
        let execution = Execution(id: "e1", workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1", stepID: "sid",
                                  deploymentName: "d1", trigger: .endpoint, status: .pending, createdAt: t0, createdBy: "u1")

        let store = try await temp.open()
        try await store.insertDeployment(deployment)
        try await store.insertExecution(execution, inputs: inputs, outputs: outputs)
        // Put the rows back as schema 7 stored them.
        try await store.withDatabase { db in
            let legacyInputs = """
                [{"pipeline_input_name":"a","endpoint_input_name":"x","is_required":false,"default_value":2},
                 {"pipeline_input_name":"b","constant_value":{"k":[1,"two"]}},
                 {"pipeline_input_name":"c","environment_variable_name":"THRESHOLD"},
                 {"pipeline_input_name":"d","datastore_path":"models/m.bin"},
                 {"pipeline_input_name":"e","is_null":true}]
                """
            let legacyOutputs = """
                [{"pipeline_output_name":"o1","endpoint_output_name":"total"},
                 {"pipeline_output_name":"o2","datastore_path":"out/{execution_id}.json"},
                 {"pipeline_output_name":"o3","is_null":true}]
                """
            try await db.raw("""
                UPDATE deployments SET inputs_mapping_json = \(bind: legacyInputs), outputs_mapping_json = \(bind: legacyOutputs)
                """).run()
            let legacyIO: [(String, String, String, String)] = [
                ("execution_inputs", "a", "endpoint", #"{"endpoint_input_name":"x"}"#),
                ("execution_inputs", "b", "constant", #"{"constant_value":{"k":[1]}}"#),
                ("execution_inputs", "c", "constant", #"{"constant_value":"text"}"#),
                ("execution_inputs", "d", "environment_variable", #"{"environment_variable_name":"V"}"#),
                ("execution_inputs", "f", "datastore", #"{"datastore_path":"in/x.csv"}"#),
                ("execution_inputs", "g", "is_null", #"{"is_null":true}"#),
                ("execution_inputs", "h", "run", #"{"run_input_name":"h"}"#),
                ("execution_outputs", "o1", "endpoint", #"{"endpoint_output_name":"total"}"#),
                ("execution_outputs", "o2", "datastore", #"{"datastore_path":"out/e1.json"}"#),
                ("execution_outputs", "o3", "is_null", #"{"is_null":true}"#),
                ("execution_outputs", "o4", "run", #"{"run_output_name":"o4"}"#),
            ]
            for (table, name, kind, mapping) in legacyIO {
                let column = table == "execution_inputs" ? "source" : "destination"
                try await db.raw("""
                    UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(bind: kind), mapping_json = \(bind: mapping)
                    WHERE execution_id = 'e1' AND name = \(bind: name)
                    """).run()
            }
            try await db.raw("DELETE FROM schema_migrations WHERE version = 8").run()
        }
        await store.close()

        let migrated = try await temp.open()
        #expect(try await migrated.schemaVersion() == Migrations.all.count)
        let read = try #require(try await migrated.deployment(workspaceID: "ws1", name: "d1"))
        #expect(read.inputsMapping == inputsMapping)
        #expect(read.outputsMapping == outputsMapping)
        #expect(try await migrated.inputs(executionID: "e1") == inputs)
        #expect(try await migrated.outputs(executionID: "e1") == outputs)
        await migrated.close()
        await temp.remove()
    }
}
