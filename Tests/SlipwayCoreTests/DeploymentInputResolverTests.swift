import Foundation
import Testing

@testable import SlipwayCore

@Suite("InputResolver for deployment triggers")
struct DeploymentInputResolverTests {
    static let inputs: [InputDefinition] = [
        InputDefinition(name: "a", dataType: .number),
        InputDefinition(name: "label", dataType: .string, isRequired: false, defaultValue: .string("dflt")),
        InputDefinition(name: "flag", dataType: .boolean, isRequired: false),
        InputDefinition(name: "doc", dataType: .file, isRequired: false),
        InputDefinition(name: "cfg", dataType: .json, isRequired: false),
    ]
    static let outputs: [OutputDefinition] = [
        OutputDefinition(name: "sum", dataType: .number),
        OutputDefinition(name: "report", dataType: .file),
    ]
    static let upload = UploadedFile(url: URL(fileURLWithPath: "/tmp/upload-1"), fileName: "photo.png", size: 12)

    func resolver(_ inputs: [InputDefinition] = Self.inputs, maxIOBytes: Int = 1_000_000) -> InputResolver {
        InputResolver(inputs: inputs, outputs: Self.outputs, maxIOBytes: maxIOBytes)
    }

    /// The mapping an endpoint deployment gets when nothing is mapped explicitly.
    func autoMapping(_ given: [InputMapping] = [], inputs: [InputDefinition] = Self.inputs) throws -> [InputMapping] {
        try DeploymentMappingPlanner(inputs: inputs, outputs: Self.outputs, rule: .endpoint).planInputs(given)
    }

    func resolve(_ mappings: [InputMapping], values: [String: JSONValue] = [:], files: [String: UploadedFile] = [:],
                 variables: [String: String] = [:], maxIOBytes: Int = 1_000_000) throws -> [String: ExecutionInput] {
        let resolved = try resolver(maxIOBytes: maxIOBytes)
            .resolveDeploymentInputs(mappings: mappings, values: values, files: files, variables: variables)
        #expect(resolved.map(\.name) == Self.inputs.map(\.name), "one input per declared input, in order")
        return Dictionary(uniqueKeysWithValues: resolved.map { ($0.name, $0) })
    }

    func expectError(_ kind: SlipwayError.Kind = .badRequest, _ message: String? = nil, _ body: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
        } catch let error as SlipwayError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            if let message {
                #expect(error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Values by exposed name

    @Test func resolvesEndpointValues() throws {
        let byName = try resolve(autoMapping(), values: ["a": .number(2), "flag": .bool(true),
                                                         "cfg": .object(["k": .array([])])])
        #expect(byName["a"] == ExecutionInput(name: "a", dataType: .number, source: .endpoint(name: "a"), value: .number(2)))
        #expect(byName["flag"]?.value == .bool(true))
        #expect(byName["cfg"]?.value == .object(["k": .array([])]))
        #expect(byName["label"]?.value == .string("dflt"), "the input's own default")
        #expect(byName["doc"]?.value == .null, "optional file not sent")
        #expect(byName["doc"]?.fileName == nil)
        #expect(byName.values.allSatisfy { $0.source.kind == .endpoint })
    }

    @Test func valuesAreKeyedByTheExposedName() throws {
        let mappings = try autoMapping([InputMapping(input: "a", source: .endpoint(name: "amount"))])
        let byName = try resolve(mappings, values: ["amount": .number(7)])
        #expect(byName["a"]?.value == .number(7))
        #expect(byName["a"]?.source == .endpoint(name: "amount"))
        expectError(.badRequest, "'a' is not an input of this endpoint; inputs are: amount, cfg, doc, flag, label") {
            _ = try resolve(mappings, values: ["a": .number(7)])
        }
    }

    @Test func unknownKeyIsABadRequest() throws {
        expectError(.badRequest, "'zzz' is not an input of this endpoint") {
            _ = try resolve(autoMapping(), values: ["a": .number(1), "zzz": .number(1)])
        }
        expectError(.badRequest, "file 'other' is not an input of this endpoint") {
            _ = try resolve(autoMapping(), values: ["a": .number(1)], files: ["other": Self.upload])
        }
        // With nothing exposed, the message says so.
        let constants = Self.inputs.map { InputMapping(input: $0.name, source: .null) }
        expectError(.badRequest, "'x' is not an input of this endpoint; it takes no input") {
            _ = try resolve(constants, values: ["x": .number(1)])
        }
        // A pipeline input that is not exposed cannot be set by the caller.
        let hidden = try autoMapping([InputMapping(input: "label", source: .constant(.string("fixed")))])
        expectError(.badRequest, "'label' is not an input of this endpoint") {
            _ = try resolve(hidden, values: ["a": .number(1), "label": .string("mine")])
        }
    }

    @Test func requiredMissing() throws {
        do {
            _ = try resolve(autoMapping())
            Issue.record("missing required input accepted")
        } catch let error as SlipwayError {
            #expect(error.kind == .badRequest)
            #expect(error.message == "input 'a' is required")
            #expect(error.details == .object(["input": .string("a")]))
        }
        // The error names the exposed name, not the pipeline's.
        let renamed = try autoMapping([InputMapping(input: "a", source: .endpoint(name: "amount"))])
        expectError(.badRequest, "input 'amount' is required") { _ = try resolve(renamed) }
    }

    @Test func mappingRequirednessOverridesTheInputs() throws {
        // is_required: false on a required input: null when not sent.
        let optional = try autoMapping([InputMapping(input: "a", source: .endpoint(name: "a", required: false))])
        #expect(try resolve(optional)["a"]?.value == .null)
        // is_required: true on an optional input.
        let required = try autoMapping([InputMapping(input: "flag", source: .endpoint(name: "flag", required: true))])
        expectError(.badRequest, "input 'flag' is required") { _ = try resolve(required, values: ["a": .number(1)]) }
        // A required file input.
        let file = try autoMapping([InputMapping(input: "doc", source: .endpoint(name: "doc", required: true))])
        expectError(.badRequest, "input 'doc' is required") { _ = try resolve(file, values: ["a": .number(1)]) }
    }

    @Test func defaultUsed() throws {
        let mappings = try autoMapping([
            InputMapping(input: "a", source: .endpoint(name: "a", default: .number(42))),
            InputMapping(input: "label", source: .endpoint(name: "label", default: .string("mapping"))),
        ])
        let byName = try resolve(mappings)
        #expect(byName["a"]?.value == .number(42), "a default satisfies a required input")
        #expect(byName["a"]?.source == .endpoint(name: "a"))
        #expect(byName["label"]?.value == .string("mapping"), "the mapping's default wins over the input's")
        let sent = try resolve(mappings, values: ["a": .number(1), "label": .string("sent")])
        #expect(sent["a"]?.value == .number(1), "a sent value wins over the default")
        #expect(sent["label"]?.value == .string("sent"))
    }

    @Test func typeMismatch() throws {
        let mappings = try autoMapping()
        expectError(.badRequest, "input 'a' must be of type number, got string") {
            _ = try resolve(mappings, values: ["a": .string("1")])
        }
        expectError(.badRequest, "input 'flag' must be of type boolean, got number") {
            _ = try resolve(mappings, values: ["a": .number(1), "flag": .number(1)])
        }
        expectError(.badRequest, "input 'label' must be of type string, got array") {
            _ = try resolve(mappings, values: ["a": .number(1), "label": .array([])])
        }
        // The message uses the exposed name.
        let renamed = try autoMapping([InputMapping(input: "a", source: .endpoint(name: "amount"))])
        expectError(.badRequest, "input 'amount' must be of type number") {
            _ = try resolve(renamed, values: ["amount": .bool(true)])
        }
        // json takes anything; null is accepted for any type.
        let byName = try resolve(mappings, values: ["a": .null, "cfg": .string("s")])
        #expect(byName["a"]?.value == .null)
        #expect(byName["cfg"]?.value == .string("s"))
    }

    // MARK: - Files

    @Test func fileInputTakesTheUpload() throws {
        let byName = try resolve(autoMapping(), values: ["a": .number(1)], files: ["doc": Self.upload])
        #expect(byName["doc"] == ExecutionInput(name: "doc", dataType: .file, source: .endpoint(name: "doc"), value: nil,
                                                fileName: "photo.png"))
        // Renamed file input.
        let renamed = try autoMapping([InputMapping(input: "doc", source: .endpoint(name: "image"))])
        #expect(try resolve(renamed, values: ["a": .number(1)], files: ["image": Self.upload])["doc"]?.fileName == "photo.png")
        expectError(.badRequest, "file 'doc' is not an input of this endpoint") {
            _ = try resolve(renamed, values: ["a": .number(1)], files: ["doc": Self.upload])
        }
    }

    @Test func fileInputRefusesAValue() throws {
        expectError(.badRequest, "input 'doc' is a file: send it as a multipart file part, not as a value") {
            _ = try resolve(autoMapping(), values: ["a": .number(1), "doc": .object(["path": .string("/etc/passwd")])])
        }
        expectError(.badRequest, "is a file") {
            _ = try resolve(autoMapping(), values: ["a": .number(1), "doc": .string("data")])
        }
        // An explicit null is the same as not sending it.
        #expect(try resolve(autoMapping(), values: ["a": .number(1), "doc": .null])["doc"]?.value == .null)
        // The upload wins if both are sent.
        let both = try resolve(autoMapping(), values: ["a": .number(1), "doc": .string("x")], files: ["doc": Self.upload])
        #expect(both["doc"]?.fileName == "photo.png")
    }

    @Test func valueInputRefusesAFile() throws {
        expectError(.badRequest, "input 'a' is of type number, not file") {
            _ = try resolve(autoMapping(), files: ["a": Self.upload])
        }
        expectError(.badRequest, "input 'label' is of type string, not file") {
            _ = try resolve(autoMapping(), values: ["a": .number(1)], files: ["label": Self.upload])
        }
    }

    // MARK: - Other sources

    @Test func mappedSourcesAreResolvedAtTriggerTime() throws {
        let mappings = try autoMapping([
            InputMapping(input: "a", source: .environmentVariable(name: "THRESHOLD")),
            InputMapping(input: "label", source: .constant(.string("fixed"))),
            InputMapping(input: "flag", source: .null),
            InputMapping(input: "doc", source: .dataStore(path: "models/model.bin")),
        ])
        let byName = try resolve(mappings, values: ["cfg": .bool(true)], variables: ["THRESHOLD": "0.75"])
        #expect(byName["a"] == ExecutionInput(name: "a", dataType: .number, source: .environmentVariable(name: "THRESHOLD"),
                                              value: .number(0.75)))
        #expect(byName["label"]?.source == .constant(.string("fixed")))
        #expect(byName["label"]?.value == .string("fixed"))
        #expect(byName["flag"]?.source == .null)
        #expect(byName["flag"]?.value == .null)
        #expect(byName["doc"]?.source == .dataStore(path: "models/model.bin"))
        #expect(byName["doc"]?.fileName == "model.bin")
        #expect(byName["cfg"]?.source == .endpoint(name: "cfg"))

        expectError(.badRequest, "environment variable 'THRESHOLD' does not exist") {
            _ = try resolve(mappings)
        }
        expectError(.badRequest, "is not a number") {
            _ = try resolve(mappings, variables: ["THRESHOLD": "high"])
        }
    }

    @Test func inputWithoutMappingIsAnInternalError() {
        expectError(.internal, "input 'flag' has no mapping in this deployment") {
            _ = try resolve([
                InputMapping(input: "a", source: .null),
                InputMapping(input: "label", source: .null),
            ])
        }
    }

    @Test func sizeLimitCountsNonFileValues() throws {
        let mappings = try autoMapping()
        expectError(.payloadTooLarge, "non-file inputs are limited to 20 bytes") {
            _ = try resolve(mappings, values: ["a": .number(1), "label": .string(String(repeating: "x", count: 50))],
                            maxIOBytes: 20)
        }
        // Files do not count; defaults do.
        #expect(throws: Never.self) {
            _ = try resolve(mappings, values: ["a": .number(1)], files: ["doc": Self.upload], maxIOBytes: 100)
        }
        let bigDefault = try autoMapping([
            InputMapping(input: "label", source: .endpoint(name: "label", default: .string(String(repeating: "y", count: 100)))),
        ])
        expectError(.payloadTooLarge) { _ = try resolve(bigDefault, values: ["a": .number(1)], maxIOBytes: 50) }
    }

    // MARK: - Outputs

    @Test func outputDestinations() {
        let outputs = resolver().resolveDeploymentOutputs([
            OutputMapping(output: "sum", destination: .endpoint(name: "total")),
            OutputMapping(output: "report", destination: .dataStore(path: "out/{execution_id}.pdf")),
        ])
        #expect(outputs == [
            ExecutionOutput(name: "sum", dataType: .number, destination: .endpoint(name: "total")),
            ExecutionOutput(name: "report", dataType: .file, destination: .dataStore(path: "out/{execution_id}.pdf")),
        ])
        let nulled = resolver().resolveDeploymentOutputs([OutputMapping(output: "report", destination: .null)])
        #expect(nulled.map(\.destination) == [.null, .null], "an output without mapping goes nowhere")
        #expect(resolver().resolveDeploymentOutputs([]).map(\.name) == ["sum", "report"])
    }
}
