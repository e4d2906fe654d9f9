import Foundation
import Testing

@testable import SlipwayServer

@Suite("MLflow search filter grammar")
struct MLflowSearchFilterTests {
    typealias Filter = MLflowSearchFilter

    func parse(_ text: String) throws -> [Filter.Comparison] { try Filter.parse(text).comparisons }

    /// `text` fails with INVALID_PARAMETER_VALUE whose message contains every fragment.
    func expectInvalid(_ text: String, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let filter = try Filter.parse(text)
            Issue.record("expected '\(text)' to be refused, got \(filter)", sourceLocation: sourceLocation)
        } catch let error as MLflowError {
            #expect(error.code == .invalidParameterValue, sourceLocation: sourceLocation)
            #expect(error.status == .badRequest, sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(error.message.contains(fragment), "\(error.message) lacks \(fragment)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Accepted filters

    @Test func emptyAndBlankFiltersMatchEverything() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("   \n").isEmpty)
        #expect(try Filter.parse(nil).comparisons.isEmpty)
    }

    @Test func metricComparisonWithEveryNumericOperator() throws {
        for (text, op) in [("=", Filter.Operator.equal), ("!=", .notEqual), ("<", .less), ("<=", .lessOrEqual),
                           (">", .greater), (">=", .greaterOrEqual)] {
            let comparisons = try parse("metrics.accuracy \(text) 0.9")
            #expect(comparisons.count == 1)
            #expect(comparisons[0].identifier == Filter.Identifier(entity: .metric, key: "accuracy", text: "metrics.accuracy"))
            #expect(comparisons[0].op == op)
            #expect(comparisons[0].value == .number(0.9, text: "0.9"))
        }
    }

    @Test func operatorsNeedNoSpaces() throws {
        let comparisons = try parse("metric.loss<=-1.5e-3 and params.lr='0.01'")
        #expect(comparisons.count == 2)
        #expect(comparisons[0].identifier.entity == .metric)
        #expect(comparisons[0].op == .lessOrEqual)
        #expect(comparisons[0].value == .number(-0.0015, text: "-1.5e-3"))
        #expect(comparisons[1].identifier == Filter.Identifier(entity: .param, key: "lr", text: "params.lr"))
        #expect(comparisons[1].value == .string("0.01"))
    }

    @Test func everyPrefixSpelling() throws {
        let cases: [(String, Filter.Entity)] = [
            ("metric", .metric), ("metrics", .metric), ("param", .param), ("params", .param),
            ("parameter", .param), ("parameters", .param), ("tag", .tag), ("tags", .tag),
            ("attribute", .attribute), ("attributes", .attribute), ("attr", .attribute), ("run", .attribute),
            ("dataset", .dataset), ("datasets", .dataset), ("TAGS", .tag),
        ]
        for (prefix, entity) in cases {
            let comparison = try #require(try parse("\(prefix).x = 'v'").first)
            #expect(comparison.identifier.entity == entity, "\(prefix)")
            #expect(comparison.identifier.key == "x")
        }
    }

    @Test func quotedKeys() throws {
        let backtick = try #require(try parse("tags.`mlflow.prompt.is_prompt` != 'true'").first)
        #expect(backtick.identifier.entity == .tag)
        #expect(backtick.identifier.key == "mlflow.prompt.is_prompt")
        #expect(backtick.op == .notEqual)
        #expect(backtick.value == .string("true"))

        let spaced = try #require(try parse("metrics.`f1 score` > 0.5").first)
        #expect(spaced.identifier.key == "f1 score")

        let doubleQuoted = try #require(try parse("params.\"my-param\" = 'a'").first)
        #expect(doubleQuoted.identifier == Filter.Identifier(entity: .param, key: "my-param", text: "params.\"my-param\""))

        let bareBacktick = try #require(try parse("`Run name` = 'x'").first)
        #expect(bareBacktick.identifier.entity == nil)
        #expect(bareBacktick.identifier.key == "Run name")
    }

    @Test func dottedKeyAfterPrefixKeepsItsDots() throws {
        let comparison = try #require(try parse("tags.mlflow.runName = 'r1'").first)
        #expect(comparison.identifier.entity == .tag)
        #expect(comparison.identifier.key == "mlflow.runName")
    }

    @Test func bareIdentifiersForTheRegistry() throws {
        let comparisons = try parse("name LIKE 'x%' AND tag.`mlflow.prompt.is_prompt` != 'true' AND run_id = 'abc' AND version_number >= 2")
        #expect(comparisons.map(\.identifier.entity) == [nil, .tag, nil, nil])
        #expect(comparisons.map(\.identifier.key) == ["name", "mlflow.prompt.is_prompt", "run_id", "version_number"])
        #expect(comparisons.map(\.op) == [.like, .notEqual, .equal, .greaterOrEqual])
        #expect(comparisons[0].value == .string("x%"))
        #expect(comparisons[3].value == .number(2, text: "2"))
        let unknownPrefix = try #require(try parse("model.source_path = 'p'").first)
        #expect(unknownPrefix.identifier.entity == nil, "an unknown prefix stays a bare dotted name")
        #expect(unknownPrefix.identifier.key == "model.source_path")
    }

    @Test func keywordsAreCaseInsensitive() throws {
        let comparisons = try parse("params.a like 'x%' And tags.b iLike '%Y' AND attributes.status not in ('FAILED')")
        #expect(comparisons.map(\.op) == [.like, .ilike, .notIn])
    }

    @Test func inListsAndNullChecks() throws {
        let comparisons = try parse("attributes.run_id IN ('a', 'b','c') AND attributes.status NOT IN ('KILLED') AND tags.t IS NULL AND params.p IS NOT NULL")
        #expect(comparisons[0].op == .isIn)
        #expect(comparisons[0].value == .list([.string("a"), .string("b"), .string("c")]))
        #expect(comparisons[1].op == .notIn)
        #expect(comparisons[1].value == .list([.string("KILLED")]))
        #expect(comparisons[2].op == .isNull)
        #expect(comparisons[2].value == .none)
        #expect(comparisons[3].op == .isNotNull)
    }

    @Test func quotesInsideStrings() throws {
        #expect(try parse("tags.t = 'it''s'").first?.value == .string("it's"))
        #expect(try parse(#"tags.t = 'it\'s'"#).first?.value == .string("it's"))
        #expect(try parse(#"tags.t = "double""#).first?.value == .string("double"))
        #expect(try parse("tags.t = 'AND x = 1'").count == 1, "keywords inside a string are text")
    }

    @Test func positionsOfComparisons() throws {
        let comparisons = try parse("metrics.a > 1 AND params.b = 'x'")
        #expect(comparisons.map(\.position) == [1, 19])
    }

    @Test func integersAndTimestamps() throws {
        let comparison = try #require(try parse("attributes.start_time >= 1700000000123").first)
        #expect(comparison.value == .number(1_700_000_000_123, text: "1700000000123"))
    }

    // MARK: - Refused filters

    @Test func orIsRefused() {
        expectInvalid("metrics.a > 1 OR metrics.b > 2", "OR is not supported", "position 15")
    }

    @Test func missingOperator() {
        expectInvalid("metrics.a 1", "expected an operator after 'metrics.a'", "position 11", "'1'")
    }

    @Test func missingValue() {
        expectInvalid("metrics.a >", "expected a value", "position 12", "end of the filter")
        expectInvalid("params.a = AND", "expected a quoted string or a number", "position 12", "'AND'")
    }

    @Test func unterminatedString() {
        expectInvalid("params.a = 'abc", "unterminated quote", "position 12")
    }

    @Test func unknownCharactersAndOperators() {
        expectInvalid("metrics.a ~ 1", "unexpected character '~'", "position 11")
        expectInvalid("metrics.a == 1", "unknown operator '=='", "position 11")
        expectInvalid("metrics.a <> 1", "unknown operator '<>'", "position 11")
    }

    @Test func trailingGarbageAndMissingAnd() {
        expectInvalid("metrics.a > 1 metrics.b > 2", "expected AND or the end of the filter", "position 15")
        expectInvalid("metrics.a > 1 AND", "expected a column", "end of the filter")
    }

    @Test func badLists() {
        expectInvalid("attributes.status IN 'FAILED'", "expected '(' to open the list", "position 22")
        expectInvalid("attributes.status IN ('A' 'B')", "expected ',' or ')' in the list", "position 27")
        expectInvalid("attributes.status IN ()", "expected a quoted string or a number", "position 23")
    }

    @Test func keywordWhereAColumnIsExpected() {
        expectInvalid("AND metrics.a > 1", "expected a column", "position 1", "'AND'")
    }

    @Test func emptyKeyAfterPrefix() {
        expectInvalid("metrics. > 1", "missing key after 'metrics.'", "position 1")
    }

    @Test func numberRunningIntoAWord() {
        expectInvalid("metrics.a > 1abc", "invalid number", "position 13")
    }

    @Test func messageQuotesTheFilter() {
        expectInvalid("metrics.a ~ 1", "Invalid filter 'metrics.a ~ 1'")
    }

    // MARK: - order_by

    @Test func orderByClauses() throws {
        #expect(try Filter.parseOrderBy("metrics.acc DESC") == .init(identifier: .init(entity: .metric, key: "acc", text: "metrics.acc"), ascending: false))
        #expect(try Filter.parseOrderBy("attributes.start_time asc").ascending)
        #expect(try Filter.parseOrderBy("name").identifier == .init(entity: nil, key: "name", text: "name"))
        #expect(try Filter.parseOrderBy("tags.`a b` DESC").identifier.key == "a b")
        #expect(try Filter.parseOrderBy("name DESC") == .init(identifier: .init(entity: nil, key: "name", text: "name"), ascending: false))
        #expect(try Filter.parseOrderBy("last_updated_timestamp ASC").identifier.key == "last_updated_timestamp")
    }

    @Test func badOrderByClauses() {
        for text in ["", "metrics.acc SIDEWAYS", "metrics.acc DESC x", "'quoted' ASC", "DESC"] {
            #expect(throws: MLflowError.self, "\(text)") { try Filter.parseOrderBy(text) }
        }
    }
}
