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
                           inputsMapping: [InputMapping(input: "doc", source: .constant(.string("x")))]),
                variables: [:])
        }
    }

    @Test func constantTypeChecked() throws {
        expectBadRequest {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:],
                           inputsMapping: [InputMapping(input: "a", source: .constant(.string("x")))]),
                variables: [:])
        }
        let resolved = try resolver().resolveInputs(
            RunRequest(values: [:], files: [:],
                       inputsMapping: [InputMapping(input: "a", source: .constant(.number(5)))]),
            variables: [:])
        #expect(resolved[0].source == .constant(.number(5)))
        #expect(resolved[0].value == .number(5))
    }

    @Test func environmentVariablesAreConverted() throws {
        let mapping = [
            InputMapping(input: "a", source: .environmentVariable(name: "NUM")),
            InputMapping(input: "flag", source: .environmentVariable(name: "FLAG")),
            InputMapping(input: "cfg", source: .environmentVariable(name: "CFG")),
            InputMapping(input: "label", source: .environmentVariable(name: "TEXT")),
        ]
        let resolved = try resolver().resolveInputs(
            RunRequest(values: [:], files: [:], inputsMapping: mapping),
            variables: ["NUM": "3.5", "FLAG": "TRUE", "CFG": #"{"k":[1,2]}"#, "TEXT": "42"])
        let byName = Dictionary(uniqueKeysWithValues: resolved.map { ($0.name, $0) })
        #expect(byName["a"]?.value == .number(3.5))
        #expect(byName["a"]?.source == .environmentVariable(name: "NUM"))
        #expect(byName["flag"]?.value == .bool(true))
        #expect(byName["cfg"]?.value == .object(["k": .array([.number(1), .number(2)])]))
        #expect(byName["label"]?.value == .string("42"))
    }

    @Test(arguments: [("a", "abc"), ("flag", "yes"), ("cfg", "{not json")])
    func environmentVariableConversionFailures(_ input: String, _ text: String) {
        expectBadRequest("environment variable") {
            _ = try resolver().resolveInputs(
                RunRequest(values: input == "a" ? [:] : ["a": .number(1)], files: [:],
                           inputsMapping: [InputMapping(input: input, source: .environmentVariable(name: "V"))]),
                variables: ["V": text])
        }
    }

    @Test func missingEnvironmentVariable() {
        expectBadRequest("does not exist") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:],
                           inputsMapping: [InputMapping(input: "a", source: .environmentVariable(name: "NOPE"))]),
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
                           inputsMapping: [InputMapping(input: "a", source: .dataStore(path: "data/x.csv"))]),
                variables: [:])
        }
        let resolved = try resolver().resolveInputs(
            RunRequest(values: ["a": .number(1)], files: [:],
                       inputsMapping: [InputMapping(input: "doc", source: .dataStore(path: "data/x.csv"))]),
            variables: [:])
        let doc = try #require(resolved.first { $0.name == "doc" })
        #expect(doc.source == .dataStore(path: "data/x.csv"))
        #expect(doc.fileName == "x.csv")
        expectBadRequest("'..'") {
            _ = try resolver().resolveInputs(
                RunRequest(values: ["a": .number(1)], files: [:],
                           inputsMapping: [InputMapping(input: "doc", source: .dataStore(path: "../x.csv"))]),
                variables: [:])
        }
    }

    @Test func isNullMappingIsExplicitEvenForRequiredInputs() throws {
        let required = try resolver().resolveInputs(
            RunRequest(values: [:], files: [:], inputsMapping: [InputMapping(input: "a", source: .null)]),
            variables: [:])
        #expect(required.first { $0.name == "a" }?.value == .null)
        let resolved = try resolver().resolveInputs(
            RunRequest(values: ["a": .number(1)], files: [:],
                       inputsMapping: [InputMapping(input: "flag", source: .null)]),
            variables: [:])
        #expect(resolved.first { $0.name == "flag" }?.source == .null)
    }

    @Test func mappingErrors() {
        expectBadRequest("not an input") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:], inputsMapping: [InputMapping(input: "q", source: .null)]),
                variables: [:])
        }
        expectBadRequest("mapped twice") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:], inputsMapping: [
                    InputMapping(input: "a", source: .constant(.number(1))),
                    InputMapping(input: "a", source: .constant(.number(2))),
                ]), variables: [:])
        }
        expectBadRequest("both as a value") {
            _ = try resolver().resolveInputs(
                RunRequest(values: ["a": .number(1)], files: [:],
                           inputsMapping: [InputMapping(input: "a", source: .constant(.number(2)))]),
                variables: [:])
        }
        expectBadRequest("a run can map an input to a constant, an environment variable, a data-store object or null") {
            _ = try resolver().resolveInputs(
                RunRequest(values: [:], files: [:],
                           inputsMapping: [InputMapping(input: "a", source: .endpoint(name: "x"))]),
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
            OutputMapping(output: "report", destination: .dataStore(path: "out/{execution_id}/report-{date}.txt")),
        ])
        #expect(result.count == 2)
        #expect(result[0].destination == .run)
        #expect(result[1].destination == .dataStore(path: "out/{execution_id}/report-{date}.txt"))

        let nulled = try resolver().resolveOutputs([OutputMapping(output: "sum", destination: .null)])
        #expect(nulled[0].destination == .null)

        expectBadRequest("not an output") {
            _ = try resolver().resolveOutputs([OutputMapping(output: "nope", destination: .null)])
        }
        expectBadRequest("mapped twice") {
            _ = try resolver().resolveOutputs([OutputMapping(output: "sum", destination: .null),
                                               OutputMapping(output: "sum", destination: .null)])
        }
        expectBadRequest("a run can map an output to a data-store object or null") {
            _ = try resolver().resolveOutputs([OutputMapping(output: "sum", destination: .endpoint(name: "x"))])
        }
        expectBadRequest {
            _ = try resolver().resolveOutputs([OutputMapping(output: "report", destination: .dataStore(path: "../{execution_id}"))])
        }
        expectBadRequest {
            _ = try resolver().resolveOutputs([OutputMapping(output: "report", destination: .dataStore(path: "/abs/{date}"))])
        }
    }
}
