import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// `$( … )` expressions and the strings that hold them: parsing, the paths they read, and
/// evaluation over a workflow's contexts.
@Suite("Protocol expressions")
struct ProtocolExpressionTests {
    let contexts: [String: JSONValue] = [
        "workflow": .object(["inputFile": .object(["fileId": .string("f-1")]), "id": .string("w-1")]),
        "config": .object(["category": .string("IDS"), "threshold": .number(3)]),
        "steps": .object(["raw-to-ids": .object(["output": .object(["fileId": .string("f-2")])])]),
        "constants": .object(["list": .array([.string("a"), .string("b")])]),
    ]

    @Test func pathsInDotAndBracketFormsReadTheirContext() throws {
        #expect(try ProtocolExpression.parse(" workflow.inputFile ").evaluate(contexts) == .object(["fileId": .string("f-1")]))
        #expect(try ProtocolExpression.parse("steps.raw-to-ids.output.fileId").evaluate(contexts) == .string("f-2"))
        #expect(try ProtocolExpression.parse(#"steps["raw-to-ids"]['output'].fileId"#).evaluate(contexts) == .string("f-2"))
        #expect(try ProtocolExpression.parse("constants.list[1]").evaluate(contexts) == .string("b"))
        #expect(try ProtocolExpression.parse("constants.list.length").evaluate(contexts) == .number(2))
        #expect(try ProtocolExpression.parse("config.missing.deeper").evaluate(contexts) == .null)
        #expect(try ProtocolExpression.parse("steps?.nothing").evaluate(contexts) == .null)
    }

    @Test func comparisonsAndBooleansFollowJavaScript() throws {
        func value(_ text: String) throws -> JSONValue { try ProtocolExpression.parse(text).evaluate(contexts) }
        #expect(try value("config.category == 'IDS'") == .bool(true))
        #expect(try value("config.category === \"RAW\"") == .bool(false))
        #expect(try value("config.threshold >= 3 && config.threshold < 4") == .bool(true))
        #expect(try value("!(config.threshold > 3)") == .bool(true))
        #expect(try value("config.missing || 'fallback'") == .string("fallback"))
        #expect(try value("config.category != null") == .bool(true))
        #expect(try value("-1.5") == .number(-1.5))
        #expect(ProtocolExpression.truthy(.string("")) == false && ProtocolExpression.truthy(.number(0)) == false)
        #expect(ProtocolExpression.truthy(.object([:])))
    }

    @Test func malformedExpressionsAreRefusedWithAReason() {
        for (text, reason) in [("", "empty"), ("workflow.", "a name must follow"), ("window.location", "not a context"),
                               ("config.a ==", "ends early"), ("'open", "not closed"), ("(config.a", "not closed"),
                               ("config.a config.b", "unexpected"), ("constants.list[-1]", "whole number")] {
            #expect(throws: ProtocolExpression.ParseError.self, "\(text)") { try ProtocolExpression.parse(text) }
            do {
                _ = try ProtocolExpression.parse(text)
            } catch {
                #expect(error.message.contains(reason), "\(text): \(error.message)")
            }
        }
    }

    @Test func templatesKeepALoneExpressionsTypeAndInterpolateText() throws {
        #expect(try ProtocolTemplate.parse("plain text") == .literal("plain text"))
        let pointer = try ProtocolTemplate.parse("$( workflow.inputFile )")
        #expect(pointer.evaluate(contexts) == .object(["fileId": .string("f-1")]))
        #expect(try ProtocolTemplate.parse("  $( config.threshold ) ").evaluate(contexts) == .number(3))
        let text = try ProtocolTemplate.parse("cat=$( config.category ), n=$(config.threshold), f=$( workflow.inputFile )")
        #expect(text.evaluate(contexts) == .string(#"cat=IDS, n=3, f={"fileId":"f-1"}"#))
        #expect(text.expressions.count == 3)
        // A ')' inside a quoted string does not close the expression.
        #expect(try ProtocolTemplate.parse("$( config.category == ')' )").evaluate(contexts) == .bool(false))
        #expect(throws: ProtocolExpression.ParseError.self) { try ProtocolTemplate.parse("$( config.category") }
    }
}
