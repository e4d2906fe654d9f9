import Foundation
import Testing

@testable import SlipwayCore

@Suite("InputResolver and I/O mappings")
struct InputResolverTests {
    let inputs: [InputDefinition] = [
        InputDefinition(name: "a", dataType: .number),
        InputDefinition(name: "label", dataType: .string, isRequired: false, defaultValue: .string("dflt")),
        InputDefinition(name: "flag", dataType: .boolean, isRequired: false),
        InputDefinition(name: "doc", dataType: .file, isRequired: false),
        InputDefinition(name: "cfg", dataType: .json, isRequired: false),
    ]
    let outputs: [OutputDefinition] = [
        OutputDefinition(name: "sum", dataType: .number),
        OutputDefinition(name: "report", dataType: .file),
    ]

    func resolver(maxIOBytes: Int = 1_000_000) -> InputResolver {
        InputResolver(inputs: inputs, outputs: outputs, maxIOBytes: maxIOBytes)
    }

    @Test func resolvesValuesAndDefaults() throws {
        let resolved = try resolver().resolveInputs(RunRequest(values: ["a": .number(2)], files: [:]), variables: [:])
        #expect(resolved.map(\.name) == ["a", "label", "flag", "doc", "cfg"])
        #expect(resolved[0].value == .number(2))
        #expect(resolved[0].source == .run)
        #expect(resolved[1].value == .string("dflt"), "default applied")
        #expect(resolved[2].value == .null, "optional without default is null")
    }

    @Test func undeclaredInputRejected() {
        expectBadRequest("is not an input") {
            _ = try resolver().resolveInputs(RunRequest(values: ["a": .number(1), "zzz": .number(1)], files: [:]),
                                             variables: [:])
        }
    }

    @Test func missingRequiredRejected() {
        do {
            _ = try resolver().resolveInputs(RunRequest(values: [:], files: [:]), variables: [:])
            Issue.record("missing required input accepted")
        } catch {
            #expect(error.kind == .badRequest)
            #expect(error.message.contains("'a' is required"))
        }
    }

    @Test func typeMismatchRejected() {
        expectBadRequest("must be of type number") {
            _ = try resolver().resolveInputs(RunRequest(values: ["a": .string("2")], files: [:]), variables: [:])
        }
        expectBadRequest("must be of type boolean") {
            _ = try resolver().resolveInputs(RunRequest(values: ["a": .number(1), "flag": .number(1)], files: [:]),
                                             variables: [:])
        }
    }

    @Test func fileInputMustBeAFile() {
        expectBadRequest("send it as a file") {
            _ = try resolver().resolveInputs(
                RunRequest(values: ["a": .number(1), "doc": .object(["path": .string("x")])], files: [:]), variables: [:])
        }
        let upload = UploadedFile(url: URL(fileURLWithPath: "/tmp/x"), fileName: "x.txt", size: 1)
        expectBadRequest("not file") {
            _ = try resolver().resolveInputs(RunRequest(values: [:], files: ["a": upload]), variables: [:])
        }
    }

    @Test func uploadedFileAccepted() throws {
        let upload = UploadedFile(url: URL(fileURLWithPath: "/tmp/x"), fileName: "x.txt", size: 1)
        let resolved = try resolver().resolveInputs(RunRequest(values: ["a": .number(1)], files: ["doc": upload]),
                                                    variables: [:])
        let doc = try #require(resolved.first { $0.name == "doc" })
        #expect(doc.dataType == .file)
        #expect(doc.fileName == "x.txt")
    }

    @Test func constantCannotFeedFile() {
        expectBadRequest("a constant cannot feed a file input") {
            _ = try resolver().resolveInputs(
                RunRequest(values: ["a": .number(1)], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: "doc", constantValue: .string("x"))]),
                variables: [:])
        }
    }

    @Test func constantTypeChecked() throws {
        expectBadRequest {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: "a", constantValue: .string("x"))]),
                variables: [:])
        }
        let resolved = try resolver().resolveInputs(
            RunRequest(values: [:], files: [:],
                       inputsMapping: [InputMapping(pipelineInputName: "a", constantValue: .number(5))]),
            variables: [:])
        #expect(resolved[0].source == .constant)
        #expect(resolved[0].value == .number(5))
    }

    @Test func environmentVariablesAreConverted() throws {
        let mapping = [
            InputMapping(pipelineInputName: "a", environmentVariableName: "NUM"),
            InputMapping(pipelineInputName: "flag", environmentVariableName: "FLAG"),
            InputMapping(pipelineInputName: "cfg", environmentVariableName: "CFG"),
            InputMapping(pipelineInputName: "label", environmentVariableName: "TEXT"),
        ]
        let resolved = try resolver().resolveInputs(
            RunRequest(values: [:], files: [:], inputsMapping: mapping),
            variables: ["NUM": "3.5", "FLAG": "TRUE", "CFG": #"{"k":[1,2]}"#, "TEXT": "42"])
        let byName = Dictionary(uniqueKeysWithValues: resolved.map { ($0.name, $0) })
        #expect(byName["a"]?.value == .number(3.5))
        #expect(byName["a"]?.source == .environmentVariable)
        #expect(byName["flag"]?.value == .bool(true))
        #expect(byName["cfg"]?.value == .object(["k": .array([.number(1), .number(2)])]))
        #expect(byName["label"]?.value == .string("42"))
        #expect(byName["a"]?.mappingValue["environment_variable_name"] == .string("NUM"))
    }

    @Test(arguments: [("a", "abc"), ("flag", "yes"), ("cfg", "{not json")])
    func environmentVariableConversionFailures(_ input: String, _ text: String) {
        expectBadRequest("environment variable") {
            _ = try resolver().resolveInputs(
                RunRequest(values: input == "a" ? [:] : ["a": .number(1)], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: input, environmentVariableName: "V")]),
                variables: ["V": text])
        }
    }

    @Test func missingEnvironmentVariable() {
        expectBadRequest("does not exist") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: "a", environmentVariableName: "NOPE")]),
                variables: [:])
        }
    }

    @Test func convertVariableToArray() throws {
        #expect(try InputResolver.convertVariable("[1]", to: .array, input: "x") == .array([.number(1)]))
        #expect(throws: SlipwayError.self) { try InputResolver.convertVariable("{}", to: .array, input: "x") }
        #expect(throws: SlipwayError.self) { try InputResolver.convertVariable("x", to: .file, input: "x") }
        #expect(try InputResolver.convertVariable("0", to: .boolean, input: "x") == .bool(false))
    }

    @Test func datastoreOnlyForFiles() throws {
        expectBadRequest("can only feed a file input") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: "a", datastorePath: "data/x.csv")]),
                variables: [:])
        }
        let resolved = try resolver().resolveInputs(
            RunRequest(values: ["a": .number(1)], files: [:],
                       inputsMapping: [InputMapping(pipelineInputName: "doc", datastorePath: "data/x.csv")]),
            variables: [:])
        let doc = try #require(resolved.first { $0.name == "doc" })
        #expect(doc.source == .datastore)
        #expect(doc.fileName == "x.csv")
        expectBadRequest("'..'") {
            _ = try resolver().resolveInputs(
                RunRequest(values: ["a": .number(1)], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: "doc", datastorePath: "../x.csv")]),
                variables: [:])
        }
    }

    @Test func isNullMappingIsExplicitEvenForRequiredInputs() throws {
        let required = try resolver().resolveInputs(
            RunRequest(values: [:], files: [:], inputsMapping: [InputMapping(pipelineInputName: "a", isNull: true)]),
            variables: [:])
        #expect(required.first { $0.name == "a" }?.value == .null)
        let resolved = try resolver().resolveInputs(
            RunRequest(values: ["a": .number(1)], files: [:],
                       inputsMapping: [InputMapping(pipelineInputName: "flag", isNull: true)]),
            variables: [:])
        #expect(resolved.first { $0.name == "flag" }?.source == .isNull)
    }

    @Test func mappingErrors() {
        expectBadRequest("not an input") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:], inputsMapping: [InputMapping(pipelineInputName: "q", isNull: true)]),
                variables: [:])
        }
        expectBadRequest("mapped twice") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:], inputsMapping: [
                    InputMapping(pipelineInputName: "a", constantValue: .number(1)),
                    InputMapping(pipelineInputName: "a", constantValue: .number(2)),
                ]), variables: [:])
        }
        expectBadRequest("both as a value") {
            _ = try resolver().resolveInputs(
                RunRequest(values: ["a": .number(1)], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: "a", constantValue: .number(2))]),
                variables: [:])
        }
        expectBadRequest("endpoint deployments") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:],
                           inputsMapping: [InputMapping(pipelineInputName: "a", endpointInputName: "x")]),
                variables: [:])
        }
    }

    @Test func sizeLimit() {
        do {
            _ = try resolver(maxIOBytes: 10).resolveInputs(
                RunRequest(values: ["a": .number(1), "label": .string(String(repeating: "x", count: 50))], files: [:]),
                variables: [:])
            Issue.record("oversized inputs accepted")
        } catch {
            #expect(error.kind == .payloadTooLarge)
        }
        #expect(throws: Never.self) {
            _ = try resolver(maxIOBytes: 100).resolveInputs(RunRequest(values: ["a": .number(1)], files: [:]),
                                                             variables: [:])
        }
    }

    @Test func outputMappings() throws {
        let result = try resolver().resolveOutputs([
            OutputMapping(pipelineOutputName: "report", datastorePath: "out/{execution_id}/report-{date}.txt"),
        ])
        #expect(result.count == 2)
        #expect(result[0].destination == .run)
        #expect(result[0].mappingValue["run_output_name"] == .string("sum"))
        #expect(result[1].destination == .datastore)
        #expect(result[1].mappingValue["datastore_path"] == .string("out/{execution_id}/report-{date}.txt"))

        let nulled = try resolver().resolveOutputs([OutputMapping(pipelineOutputName: "sum", isNull: true)])
        #expect(nulled[0].destination == .isNull)

        expectBadRequest("not an output") {
            _ = try resolver().resolveOutputs([OutputMapping(pipelineOutputName: "nope", isNull: true)])
        }
        expectBadRequest("mapped twice") {
            _ = try resolver().resolveOutputs([OutputMapping(pipelineOutputName: "sum", isNull: true),
                                               OutputMapping(pipelineOutputName: "sum", isNull: true)])
        }
        expectBadRequest("endpoint deployments") {
            _ = try resolver().resolveOutputs([OutputMapping(pipelineOutputName: "sum", endpointOutputName: "x")])
        }
        expectBadRequest {
            _ = try resolver().resolveOutputs([OutputMapping(pipelineOutputName: "report", datastorePath: "../{execution_id}")])
        }
        expectBadRequest {
            _ = try resolver().resolveOutputs([OutputMapping(pipelineOutputName: "report", datastorePath: "/abs/{date}")])
        }
    }

    @Test func inputMappingJSONExactlyOneSource() throws {
        let ok = try InputMapping(json: .object(["pipeline_input_name": .string("a"), "constant_value": .number(3)]))
        #expect(ok.constantValue == .number(3))
        let isNull = try InputMapping(json: .object(["pipeline_input_name": .string("a"), "is_null": .bool(true)]))
        #expect(isNull.isNull == true)

        #expect(throws: SlipwayError.self) {
            try InputMapping(json: .object(["pipeline_input_name": .string("a")]))
        }
        #expect(throws: SlipwayError.self) {
            try InputMapping(json: .object(["pipeline_input_name": .string("a"), "constant_value": .number(3),
                                            "environment_variable_name": .string("X")]))
        }
        #expect(throws: SlipwayError.self) {
            try InputMapping(json: .object(["pipeline_input_name": .string("a"), "is_null": .bool(false)]))
        }
        #expect(throws: SlipwayError.self) { try InputMapping(json: .object(["constant_value": .number(3)])) }
        #expect(throws: SlipwayError.self) { try InputMapping(json: .string("x")) }

        #expect(throws: SlipwayError.self) {
            try OutputMapping(json: .object(["pipeline_output_name": .string("a"), "is_null": .bool(true),
                                             "datastore_path": .string("x")]))
        }
        let out = try OutputMapping(json: .object(["pipeline_output_name": .string("a"), "datastore_path": .string("x")]))
        #expect(out.datastorePath == "x")
    }
}
