import Foundation

/// A query over semantic descriptions: comparisons of a key (`SemanticVocabulary.key(named:)`)
/// with a value, joined by `AND` and `OR` (`AND` binds tighter) and grouped by parentheses:
///
///     algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9
///     (dataset = iris OR dataset = 'wine quality') AND kind = model
///
/// Operators: `=`, `!=`, `<`, `<=`, `>`, `>=` and `CONTAINS` (text, without case). Values are
/// numbers, bare words (letters, digits, `_ - . : /`) or quoted text ('…' or "…"). Ordering
/// operators compare numbers and need a number. Keys with several values (framework, dataset,
/// keyword) match when one value does; a comparison with a missing key is false.
public struct SemanticQuery: Sendable, Equatable {
    public enum Operator: String, Sendable, Equatable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case contains = "CONTAINS"
    }

    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    public indirect enum Expression: Sendable, Equatable {
        case comparison(SemanticVocabulary.Key, Operator, Value)
        case and(Expression, Expression)
        case or(Expression, Expression)
    }

    public let expression: Expression
    /// Longest query text accepted.
    public static let maxLength = 4096

    public init(_ text: String) throws(SlipwayError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .badRequest("the query is empty")
        }
        guard text.utf8.count <= Self.maxLength else { throw .badRequest("the query is longer than \(Self.maxLength) bytes") }
        var parser = Parser(tokens: try Self.tokens(text))
        expression = try parser.disjunction()
        if let extra = parser.peek() { throw .badRequest("unexpected '\(NameRules.printable(extra.text))' in the query") }
    }

    /// Whether `asset` matches.
    public func matches(_ asset: CatalogAsset) -> Bool {
        Self.evaluate(expression, SemanticFacts(asset))
    }

    private static func evaluate(_ expression: Expression, _ facts: SemanticFacts) -> Bool {
        switch expression {
        case .and(let left, let right): return evaluate(left, facts) && evaluate(right, facts)
        case .or(let left, let right): return evaluate(left, facts) || evaluate(right, facts)
        case .comparison(let key, let op, let value):
            return facts.values(key).contains { compare($0, op, value) }
        }
    }

    private static func compare(_ stored: String, _ op: Operator, _ value: Value) -> Bool {
        switch (op, value) {
        case (.contains, .text(let text)):
            return stored.range(of: text, options: [.caseInsensitive]) != nil
        case (.contains, .number(let number)):
            return stored.contains(shortText(number))
        case (.equal, .text(let text)): return stored == text
        case (.notEqual, .text(let text)): return stored != text
        case (_, .number(let number)):
            guard let storedNumber = Double(stored) else { return op == .notEqual }
            switch op {
            case .equal: return storedNumber == number
            case .notEqual: return storedNumber != number
            case .less: return storedNumber < number
            case .lessOrEqual: return storedNumber <= number
            case .greater: return storedNumber > number
            case .greaterOrEqual: return storedNumber >= number
            case .contains: return false
            }
        default: return false
        }
    }

    /// `3` for 3.0, else the shortest round-trip text.
    public static func shortText(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : number.description
    }

    // MARK: Tokens and grammar

    struct Token: Equatable {
        enum Kind: Equatable { case word, quoted, symbol }
        var kind: Kind
        var text: String
    }

    private static func tokens(_ text: String) throws(SlipwayError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        func isWordCharacter(_ c: Character) -> Bool {
            c.isLetter || c.isNumber || "_-.:/@#+".contains(c)
        }
        while index < characters.count {
            let c = characters[index]
            if c.isWhitespace { index += 1; continue }
            if c == "(" || c == ")" { tokens.append(Token(kind: .symbol, text: String(c))); index += 1; continue }
            if "=!<>".contains(c) {
                var symbol = String(c)
                if index + 1 < characters.count, characters[index + 1] == "=" { symbol.append("="); index += 1 }
                index += 1
                if symbol == "!" { throw .badRequest("'!' must be followed by '=' in the query") }
                if symbol == "==" { symbol = "=" }
                tokens.append(Token(kind: .symbol, text: symbol))
                continue
            }
            if c == "'" || c == "\"" {
                var value = ""
                index += 1
                var closed = false
                while index < characters.count {
                    if characters[index] == c {
                        if index + 1 < characters.count, characters[index + 1] == c { value.append(c); index += 2; continue }
                        closed = true
                        index += 1
                        break
                    }
                    value.append(characters[index])
                    index += 1
                }
                guard closed else { throw .badRequest("a quoted value in the query is not closed") }
                tokens.append(Token(kind: .quoted, text: value))
                continue
            }
            guard isWordCharacter(c) else { throw .badRequest("unexpected character '\(c)' in the query") }
            var word = ""
            while index < characters.count, isWordCharacter(characters[index]) {
                word.append(characters[index])
                index += 1
            }
            tokens.append(Token(kind: .word, text: word))
        }
        return tokens
    }

    private struct Parser {
        var tokens: [Token]
        var position = 0

        func peek() -> Token? { position < tokens.count ? tokens[position] : nil }
        mutating func next() -> Token? {
            defer { position += 1 }
            return peek()
        }
        func isKeyword(_ word: String) -> Bool {
            peek().map { $0.kind == .word && $0.text.uppercased() == word } ?? false
        }

        mutating func disjunction() throws(SlipwayError) -> Expression {
            var left = try conjunction()
            while isKeyword("OR") {
                position += 1
                left = .or(left, try conjunction())
            }
            return left
        }

        mutating func conjunction() throws(SlipwayError) -> Expression {
            var left = try primary()
            while isKeyword("AND") {
                position += 1
                left = .and(left, try primary())
            }
            return left
        }

        mutating func primary() throws(SlipwayError) -> Expression {
            guard let token = next() else { throw .badRequest("the query ends where a comparison was expected") }
            if token == Token(kind: .symbol, text: "(") {
                let inner = try disjunction()
                guard next() == Token(kind: .symbol, text: ")") else { throw .badRequest("a '(' in the query is not closed") }
                return inner
            }
            guard token.kind == .word else {
                throw .badRequest("expected a key such as 'algorithm' or 'metrics.accuracy', found '\(NameRules.printable(token.text))'")
            }
            guard let key = SemanticVocabulary.key(named: token.text) else {
                throw .badRequest("unknown query key '\(NameRules.printable(token.text))'; keys are "
                                  + SemanticVocabulary.documentedKeys.joined(separator: ", "))
            }
            guard let opToken = next() else {
                throw .badRequest("the query ends after '\(NameRules.printable(token.text))' where an operator was expected")
            }
            let op: Operator
            if opToken.kind == .symbol, let symbol = Operator(rawValue: opToken.text) {
                op = symbol
            } else if opToken.kind == .word, opToken.text.uppercased() == "CONTAINS" {
                op = .contains
            } else {
                throw .badRequest("expected an operator (=, !=, <, <=, >, >=, CONTAINS) after '\(NameRules.printable(token.text))'")
            }
            guard let valueToken = next(), valueToken.kind != .symbol else {
                throw .badRequest("expected a value after '\(NameRules.printable(token.text)) \(op.rawValue)'")
            }
            let value: Value = valueToken.kind == .word ? Double(valueToken.text).map(Value.number) ?? .text(valueToken.text)
                : .text(valueToken.text)
            if [Operator.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op), case .text = value {
                throw .badRequest("'\(op.rawValue)' compares numbers: '\(NameRules.printable(valueToken.text))' is not one")
            }
            return .comparison(key, op, value)
        }
    }
}

/// The values of each query key for one asset: from its semantic description when it has
/// one, else from its own fields and metadata.
struct SemanticFacts {
    let asset: CatalogAsset

    init(_ asset: CatalogAsset) { self.asset = asset }

    func values(_ key: SemanticVocabulary.Key) -> [String] {
        let semantics = asset.semantics
        switch key {
        case .kind: return [asset.kind.rawValue]
        case .title: return [semantics?.title ?? asset.name]
        case .version: return [semantics?.version ?? asset.version].compactMap { $0 }.filter { !$0.isEmpty }
        case .algorithm: return [semantics?.algorithm ?? asset.metadata["algorithm"]?.stringValue].compactMap { $0 }
        case .implementation: return [semantics?.implementation].compactMap { $0 }
        case .framework: return semantics?.frameworks ?? []
        case .dataset: return semantics?.datasets ?? []
        case .keyword: return semantics?.keywords ?? []
        case .runID: return [semantics?.run?.runID].compactMap { $0 }
        case .experimentID: return [semantics?.run?.experimentID].compactMap { $0 }
        case .modelPath: return [semantics?.modelPath ?? asset.modelPath].compactMap { $0 }
        case .metric(let name): return [semantics?.metrics[name]].compactMap { $0 }.map { $0.description }
        case .parameter(let name): return [semantics?.parameters[name]].compactMap { $0 }
        case .tag(let name): return [semantics?.tags[name]].compactMap { $0 }
        case .property(let name): return [semantics?.properties[name]].compactMap { $0 }
        }
    }
}
