import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// `protocol.yml` v3: the seed's protocol and a multi-step one accepted; schema rules,
/// expressions reading undeclared names, v2 files and YAML tricks refused with the field named.
@Suite("Protocol definitions")
struct ProtocolDefinitionTests {
    static let seedProtocol = """
        protocolSchema: "v3"
        name: "Push - v3 protocol"
        description: "Protocol that pushes data to 3rd party application."
        config:
          kaggle_username:
            label: "Kaggle Username."
            description: "Kaggle Username to use for pushing data."
            type: "string"
            required: true
          kaggle_api_key:
            label: "Kaggle API Key."
            description: "Kaggle API Key to use for pushing data."
            type: "secret"
            required: true
        steps:
          - id: push-step
            task:
              namespace: private-training-sspdemo
              slug: sspdemo-taskscript
              version: v5.0.0
              function: push-data
            input:
              input_file_pointer: $( workflow.inputFile )
              kaggle_username: $( config.kaggle_username )
              kaggle_api_key: $( config.kaggle_api_key )
        """

    static func task(_ function: String) -> String {
        "task: {namespace: private-org, slug: scripts, version: v1.0.0, function: \(function)}"
    }

    @Test func theSeedsProtocolIsAccepted() throws {
        let definition = try ProtocolDefinition.parse(yaml: Self.seedProtocol)
        #expect(definition.name == "Push - v3 protocol")
        #expect(definition.config.map(\.name) == ["kaggle_api_key", "kaggle_username"])
        #expect(definition.config.first?.kind == .secret && definition.config.first?.required == true)
        let step = try #require(definition.steps.first)
        #expect(step.id == "push-step" && step.taskScriptAddress == "private-training-sspdemo/sspdemo-taskscript/v5.0.0")
        #expect(step.function == "push-data")
        #expect(step.input["input_file_pointer"] == .string("$( workflow.inputFile )"))
        #expect(step.condition == .fixed(true) && step.continueOnError == .fixed(false))
        #expect(definition.manifest["steps"]?.arrayValue?.first?["task"] == .string(step.taskScriptAddress))
    }

    @Test func aMultiStepProtocolReadsEarlierStepsConstantsAndConditions() throws {
        let definition = try ProtocolDefinition.parse(yaml: """
            protocolSchema: v3
            constants: {category: PROCESSED, retries: 2}
            config:
              push: {label: Push, type: boolean, default: true}
            steps:
              - id: decorate
                \(Self.task("decorate-input-file"))
                input: {input_file_pointer: $( workflow.inputFile )}
              - id: harmonize
                \(Self.task("harmonize-input-file"))
                input: {input_file_pointer: $( steps.decorate.output ), category: $( constants.category )}
                continueOnError: true
                options: {memoryInMB: "1024", timeontInSec: 300}
              - \(Self.task("push-data"))
                if: $( config.push && steps["harmonize"].output != null )
                continueOnError: "$( constants.retries > 1 )"
                input:
                  files: ["$( steps.decorate.output )", "$( steps.harmonize.output )"]
                  note: "from $( workflow.id )"
            """)
        #expect(definition.steps.map(\.id) == ["decorate", "harmonize", "step-3"])
        #expect(definition.steps[1].continueOnError == .fixed(true))
        #expect(definition.steps[1].memoryInMB == 1024 && definition.steps[1].timeoutSeconds == 300)
        guard case .template(let condition) = definition.steps[2].condition else { Issue.record("no condition"); return }
        let contexts: [String: JSONValue] = ["config": .object(["push": .bool(true)]),
                                             "steps": .object(["harmonize": .object(["output": .string("f")])])]
        #expect(ProtocolExpression.truthy(condition.evaluate(contexts)))
        #expect(definition.constants["retries"] == .number(2))
    }

    @Test func everyRuleIsRefusedNamingTheField() {
        let step = "steps: [{id: a, \(Self.task("f"))}]"
        let cases: [(String, String)] = [
            ("", "empty"),
            ("key: [unclosed", "not valid YAML"),
            ("- a list", "must be a mapping"),
            ("steps: []", "'protocolSchema' is required"),
            ("protocolSchema: v2\nname: x\ndescription: y\nsteps: []", "v2 protocols"),
            ("protocolSchema: v3", "'steps' is required"),
            ("protocolSchema: v3\nsteps: []", "at least one step"),
            ("protocolSchema: v3\nsteps: {a: 1}", "'steps' must be a list"),
            ("protocolSchema: v3\nextra: 1\n\(step)", "'extra' is not an allowed key"),
            ("protocolSchema: v3\ntype: pipeline\n\(step)", "'type' must be"),
            ("protocolSchema: v3\nname: [x]\n\(step)", "'name' must be a string"),
            ("protocolSchema: v3\nlabels: [1]\n\(step)", "'labels'"),
            ("protocolSchema: v3\ncatalog_keys: [1]\n\(step)", "'catalog_keys'"),
            ("protocolSchema: v3\nsuccessWhen: 3\n\(step)", "'successWhen'"),
            ("protocolSchema: v3\nconstants: {-bad: 1}\n\(step)", "'constants.-bad'"),
            ("protocolSchema: v3\nconfig: {a: {type: string}}\n\(step)", "'config.a.label' is required"),
            ("protocolSchema: v3\nconfig: {a: {label: A, type: file}}\n\(step)", "'config.a.type' must be one of"),
            ("protocolSchema: v3\nconfig: {a: {label: A, type: string, required: yes-please}}\n\(step)", "'config.a.required'"),
            ("protocolSchema: v3\nconfig: {a: {label: A, type: secret, default: hunter2}}\n\(step)", "'config.a.default'"),
            ("protocolSchema: v3\nconfig: {a: {label: A, type: string, hint: x}}\n\(step)", "'config.a.hint'"),
            ("protocolSchema: v3\nsteps: [{id: a}]", "'steps[0].task' is required"),
            ("protocolSchema: v3\nsteps: [{id: a, task: {namespace: n, slug: s, version: v1.0.0}}]", "'steps[0].task.function'"),
            ("protocolSchema: v3\nsteps: [{id: a, task: {namespace: n, slug: s, version: v, function: f, x: 1}}]", "'steps[0].task.x'"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), retry: 3}]", "'steps[0].retry' is not an allowed key"),
            ("protocolSchema: v3\nsteps: [{id: 'a b', \(Self.task("f"))}]", "'steps[0].id'"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f"))}, {id: a, \(Self.task("g"))}]", "names two steps"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), if: 3}]", "'steps[0].if'"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), options: {cpu: 2}}]", "'steps[0].options.cpu'"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), options: {memoryInMB: lots}}]", "'steps[0].options.memoryInMB'"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: $( config.missing )}}]",
             "'config.missing' is not declared"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: $( constants.missing )}}]",
             "'constants.missing' is not declared"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: $( workflow.inputfile )}}]",
             "'workflow.inputfile' is not known"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: $( steps.b.output )}}, {id: b, \(Self.task("f"))}]",
             "'steps.b' is not an earlier step"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: $( steps.a.output )}}]", "'steps.a' is not an earlier step"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: [1, '$( process.env )']}}]", "steps[0].input.x[1]"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: '$( config'}}]", "not closed"),
            ("protocolSchema: v3\nsteps: [{id: a, \(Self.task("f")), input: {x: '$( config )'}}]", "must be followed by a name"),
            ("protocolSchema: v3\nname: a\nname: b\n\(step)", "appears twice"),
            ("protocolSchema: v3\nbase: &b {x: 1}\n\(step)", "not an allowed key"),
        ]
        for (text, expected) in cases {
            do {
                _ = try ProtocolDefinition.parse(yaml: text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.kind == .badRequest)
                #expect(error.message.contains(expected), "\(text) → \(error.message)")
                #expect(error.message.hasPrefix("protocol.yml"), "\(error.message)")
            }
        }
    }

    @Test func aliasBombsStopEarly() {
        var yaml = "protocolSchema: v3\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        yaml += "steps: [{id: a, \(Self.task("f"))}]"
        #expect(throws: SlipwayError.self) { try ProtocolDefinition.parse(yaml: yaml) }
    }
}
