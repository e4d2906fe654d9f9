import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// `config.json` of a task script: the seed's file accepted, every schema rule refused with
/// the field named.
@Suite("Task script config.json")
struct TaskScriptConfigTests {
    static let seedConfig = """
        {"language": "python", "runtime": "python3.11", "functions": [
          {"slug": "print-hello-world", "function": "main.print_hello_world"},
          {"slug": "decorate-input-file", "function": "main.decorate_input_file"},
          {"slug": "harmonize-input-file", "function": "main.harmonize_input_file"},
          {"slug": "enrich-input-file", "function": "main.enrich_input_file"},
          {"slug": "push-data", "function": "main.push_data"}]}
        """

    @Test func theSeedsConfigIsAccepted() throws {
        let config = try TaskScriptConfig.parse(Self.seedConfig)
        #expect(config.pythonVersion == "3.11")
        #expect(config.functions.map(\.slug) == ["print-hello-world", "decorate-input-file", "harmonize-input-file",
                                                 "enrich-input-file", "push-data"])
        #expect(config.function(slug: "push-data").map { "\($0.module).\($0.name)" } == "main.push_data")
        #expect(config.manifest["functions"]?["push-data"] == .string("main.push_data"))
        #expect(config.function(slug: "push-data")?.allowedIDs == nil)
    }

    @Test func optionalKeysAreReadWhenValid() throws {
        let config = try TaskScriptConfig.parse("""
            {"language": "python", "runnerType": "ecs", "maxCount": 50, "memoryInMB": 0, "functions": [
              {"slug": "a", "function": "pkg.sub.run", "allowedIds": {"namespace": "common", "slug": "x", "version": "v1.0.0"}},
              {"slug": "b", "function": "main.b", "allowedIds": null},
              {"slug": "c", "function": "main.c", "allowedIds": [{"namespace": "common", "slug": "x", "version": "v1.0.0"},
                                                                  {"namespace": "common", "slug": "y", "version": "v2.0.0"}]}]}
            """)
        #expect(config.pythonVersion == nil && config.maxCount == 50 && config.memoryInMB == 0)
        #expect(config.functions[0].module == "pkg.sub" && config.functions[0].name == "run")
        #expect(config.functions[0].allowedIDs?.count == 1)
        #expect(config.functions[1].allowedIDs == [])
        #expect(config.functions[2].allowedIDs?.count == 2)
    }

    @Test func everyRuleIsRefusedNamingTheField() {
        let function = #"{"slug": "main", "function": "main.main"}"#
        let cases: [(String, String)] = [
            ("not json", "not valid JSON"),
            ("[]", "JSON object"),
            (#"{"functions": [\#(function)]}"#, "'language' is required"),
            (#"{"language": "javascript", "functions": [\#(function)]}"#, "'language' must be"),
            (#"{"language": "python"}"#, "'functions' is required"),
            (#"{"language": "python", "functions": []}"#, "at least one"),
            (#"{"language": "python", "functions": [\#(function)], "extra": 1}"#, "'extra' is not an allowed key"),
            (#"{"language": "python", "runtime": "python2.7", "functions": [\#(function)]}"#, "'runtime' must be one of"),
            (#"{"language": "python", "runtime": "python3.12", "functions": [\#(function)]}"#, "'runtime' must be one of"),
            (#"{"language": "python", "runnerType": "lambda", "functions": [\#(function)]}"#, "'runnerType'"),
            (#"{"language": "python", "maxCount": 51, "functions": [\#(function)]}"#, "'maxCount'"),
            (#"{"language": "python", "maxCount": 1.5, "functions": [\#(function)]}"#, "'maxCount'"),
            (#"{"language": "python", "memoryInMB": 9000, "functions": [\#(function)]}"#, "'memoryInMB'"),
            (#"{"language": "python", "functions": ["main.main"]}"#, "'functions[0]' must be an object"),
            (#"{"language": "python", "functions": [{"slug": "a"}]}"#, "'functions[0].function'"),
            (#"{"language": "python", "functions": [{"slug": "a", "function": "main"}]}"#, "'functions[0].function'"),
            (#"{"language": "python", "functions": [{"slug": "a", "function": "main.1x"}]}"#, "'functions[0].function'"),
            (#"{"language": "python", "functions": [{"slug": "a", "function": "../x.y"}]}"#, "'functions[0].function'"),
            (#"{"language": "python", "functions": [{"function": "main.a"}]}"#, "'functions[0].slug'"),
            (#"{"language": "python", "functions": [{"slug": "a b", "function": "main.a"}]}"#, "'functions[0].slug'"),
            (#"{"language": "python", "functions": [\#(function), \#(function)]}"#, "names two functions"),
            (#"{"language": "python", "functions": [{"slug": "a", "function": "main.a", "memory": 1}]}"#, "'functions[0].memory'"),
            (#"{"language": "python", "functions": [{"slug": "a", "function": "main.a", "allowedIds": "x"}]}"#, "allowedIds"),
            (#"{"language": "python", "functions": [{"slug": "a", "function": "main.a", "allowedIds": {"slug": "x"}}]}"#, "allowedIds"),
        ]
        for (text, expected) in cases {
            do {
                _ = try TaskScriptConfig.parse(text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.kind == .badRequest)
                #expect(error.message.contains(expected), "\(text) → \(error.message)")
                #expect(error.message.hasPrefix("config.json"), "\(error.message)")
            }
        }
    }
}
