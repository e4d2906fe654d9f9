import Foundation

/// A parsed MLflow search filter (`runs/search`, `experiments/search`, `registered-models/search`,
/// `model-versions/search`, `logged-models/search`): comparisons joined by `AND`, as MLflow's
/// `search_utils` accepts them. Grammar only: which keys, operators and value types a search
/// allows is the caller's rule (runs allow `metrics.x > 1`, the registry `name LIKE 'x%'`), so the
/// AST keeps what was written (the entity prefix, or none for a bare identifier like `name`).
///
/// ```
/// filter     := [comparison ("AND" comparison)*]
/// comparison := identifier operator value
///             | identifier ["NOT"] "IN" "(" value ("," value)* ")"
///             | identifier "IS" ["NOT"] "NULL"
/// identifier := word | word "." key | `quoted` | word "." `quoted` | word "." "quoted"
/// operator   := "=" | "!=" | "<" | "<=" | ">" | ">=" | "LIKE" | "ILIKE"
/// value      := 'text' | "text" | number
/// ```
/// `OR` and parentheses around comparisons are not supported (MLflow refuses them too). Every
/// syntax error is `INVALID_PARAMETER_VALUE` naming the 1-based character position and the token.
struct MLflowSearchFilter: Sendable, Equatable {
    /// What an identifier's prefix names. `metric`/`metrics`, `param`/`params`/`parameter(s)`,
    /// `tag`/`tags`, `attribute`/`attributes`/`attr`/`run`, `dataset`/`datasets`.
    enum Entity: String, Sendable, Equatable {
        case metric, param, tag, attribute, dataset

        init?(prefix: String) {
            switch prefix.lowercased() {
            case "metric", "metrics": self = .metric
            case "param", "params", "parameter", "parameters": self = .param
            case "tag", "tags": self = .tag
            case "attribute", "attributes", "attr", "run": self = .attribute
            case "dataset", "datasets": self = .dataset
            default: return nil
            }
        }
    }

    /// A column as written: `metrics.acc`, `` tags.`mlflow.runName` ``, or a bare `name`.
    struct Identifier: Sendable, Equatable {
        /// The prefix's entity; nil for a bare identifier (`name`, `run_id`, `` `Run name` ``).
        let entity: Entity?
        /// The key, without quotes (`mlflow.runName` for `tags.mlflow.runName`).
        let key: String
        /// The identifier as written, for error messages.
        let text: String

        init(entity: Entity?, key: String, text: String) {
            self.entity = entity
            self.key = key
            self.text = text
        }
    }

    enum Operator: String, Sendable, Equatable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case like = "LIKE", ilike = "ILIKE", isIn = "IN", notIn = "NOT IN", isNull = "IS NULL", isNotNull = "IS NOT NULL"
    }

    enum Value: Sendable, Equatable {
        /// A quoted text: `'abc'` (or `"abc"`).
        case string(String)
        /// A number as written (`1`, `-0.5`, `1e3`) and its value.
        case number(Double, text: String)
        /// The values of an `IN (…)` list, each quoted text or number.
        case list([Value])
        /// No value (`IS NULL`, `IS NOT NULL`).
        case none

        /// The text of a string, or a number's text; nil for lists and none.
        var text: String? {
            switch self {
            case .string(let text): text
            case .number(_, let text): text
            case .list, .none: nil
            }
        }
    }

    struct Comparison: Sendable, Equatable {
        let identifier: Identifier
        let op: Operator
        let value: Value
        /// The 1-based character position of the comparison in the filter, for error messages.
        let position: Int
    }

    let comparisons: [Comparison]

    init(comparisons: [Comparison]) {
        self.comparisons = comparisons
    }

    /// Parses `text`; nil, empty or blank is the empty filter (matches everything).
    static func parse(_ text: String?) throws -> MLflowSearchFilter {
        guard let text, !text.allSatisfy(\.isWhitespace) else { return MLflowSearchFilter(comparisons: []) }
        var parser = Parser(tokens: try Tokenizer.tokens(of: text), source: text)
        return MLflowSearchFilter(comparisons: try parser.filter())
    }

    /// The error for a filter that does not parse.
    static func syntaxError(_ filter: String, _ problem: String) -> MLflowError {
        MLflowError.invalidParameter("Invalid filter '\(filter)': \(problem)")
    }
}

// MARK: - order_by

extension MLflowSearchFilter {
    /// One `order_by` clause: `metrics.acc DESC`, `` tags.`x y` ``, `start_time ASC`, `name`.
    struct OrderBy: Sendable, Equatable {
        let identifier: Identifier
        let ascending: Bool
    }

    /// Parses one `order_by` clause: an identifier optionally followed by `ASC` or `DESC`
    /// (ascending by default).
    static func parseOrderBy(_ text: String) throws -> OrderBy {
        let tokens = try Tokenizer.tokens(of: text)
        func fail(_ problem: String) -> MLflowError {
            MLflowError.invalidParameter("Invalid order_by clause '\(text)': \(problem)")
        }
        let identifier: Identifier
        switch tokens.first?.kind {
        case .identifier(let written)?: identifier = written
        case .word(let word)? where !["ASC", "DESC", "AND"].contains(word.uppercased()):
            identifier = Identifier(entity: nil, key: word, text: word)
        default:
            throw fail(tokens.first.map { "expected a column at position \($0.position), found '\($0.text)'" } ?? "it is empty")
        }
        switch tokens.count {
        case 1: return OrderBy(identifier: identifier, ascending: true)
        case 2:
            if case .word(let word) = tokens[1].kind {
                switch word.uppercased() {
                case "ASC": return OrderBy(identifier: identifier, ascending: true)
                case "DESC": return OrderBy(identifier: identifier, ascending: false)
                default: break
                }
            }
            throw fail("expected ASC or DESC at position \(tokens[1].position), found '\(tokens[1].text)'")
        default:
            throw fail("unexpected '\(tokens[2].text)' at position \(tokens[2].position)")
        }
    }
}

// MARK: - Tokenizer

extension MLflowSearchFilter {
    struct Token: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            case identifier(Identifier)
            /// A keyword-like bare word without a dot: AND, LIKE, IN, NOT, IS, NULL, ASC… (a bare
            /// word that is no keyword is turned into an identifier by the parser).
            case word(String)
            case string(String)
            case number(Double, text: String)
            case op(String)
            case openParen, closeParen, comma
        }

        let kind: Kind
        /// The token as written.
        let text: String
        /// 1-based character position.
        let position: Int
    }

    struct Tokenizer {
        let source: String
        let characters: [Character]
        var index = 0

        init(_ source: String) {
            self.source = source
            characters = Array(source)
        }

        /// Every token of `source`.
        static func tokens(of source: String) throws -> [Token] {
            var tokenizer = Tokenizer(source)
            return try tokenizer.tokens()
        }

        func error(_ problem: String, at position: Int) -> MLflowError {
            syntaxError(source, "\(problem) at position \(position + 1)")
        }

        mutating func tokens() throws -> [Token] {
            var tokens: [Token] = []
            while true {
                while index < characters.count, characters[index].isWhitespace { index += 1 }
                guard index < characters.count else { return tokens }
                tokens.append(try next())
            }
        }

        private func text(from start: Int) -> String { String(characters[start..<index]) }

        private static func isWordStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
        private static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

        private mutating func next() throws -> Token {
            let start = index
            let c = characters[index]
            switch c {
            case "(": index += 1; return Token(kind: .openParen, text: "(", position: start + 1)
            case ")": index += 1; return Token(kind: .closeParen, text: ")", position: start + 1)
            case ",": index += 1; return Token(kind: .comma, text: ",", position: start + 1)
            case "=", "<", ">", "!":
                index += 1
                if index < characters.count, characters[index] == "=" { index += 1 }
                let op = text(from: start)
                if op == "!" || op == "==" { throw error("unknown operator '\(op)'", at: start) }
                if op == "<", index < characters.count, characters[index] == ">" {
                    throw error("unknown operator '<>' (use '!=')", at: start)
                }
                return Token(kind: .op(op), text: op, position: start + 1)
            case "'", "\"":
                let value = try quoted(closing: c)
                return Token(kind: .string(value), text: text(from: start), position: start + 1)
            case "`":
                let key = try quoted(closing: "`")
                return Token(kind: .identifier(Identifier(entity: nil, key: key, text: text(from: start))),
                             text: text(from: start), position: start + 1)
            default:
                if c.isNumber || ((c == "-" || c == "+" || c == ".") && index + 1 < characters.count
                                  && (characters[index + 1].isNumber || characters[index + 1] == ".")) {
                    return try number()
                }
                if Self.isWordStart(c) { return try word() }
                throw error("unexpected character '\(c)'", at: start)
            }
        }

        /// A quoted text starting at `index` (on the opening quote); a doubled quote or a
        /// backslash escapes the quote character.
        private mutating func quoted(closing: Character) throws -> String {
            let start = index
            index += 1
            var value = ""
            while index < characters.count {
                let c = characters[index]
                if c == "\\", index + 1 < characters.count, characters[index + 1] == closing || characters[index + 1] == "\\" {
                    value.append(characters[index + 1]); index += 2; continue
                }
                if c == closing {
                    if index + 1 < characters.count, characters[index + 1] == closing {
                        value.append(closing); index += 2; continue
                    }
                    index += 1
                    return value
                }
                value.append(c)
                index += 1
            }
            throw error("unterminated quote \(closing)", at: start)
        }

        private mutating func number() throws -> Token {
            let start = index
            if characters[index] == "-" || characters[index] == "+" { index += 1 }
            while index < characters.count, characters[index].isNumber || characters[index] == "." { index += 1 }
            if index < characters.count, characters[index] == "e" || characters[index] == "E" {
                index += 1
                if index < characters.count, characters[index] == "-" || characters[index] == "+" { index += 1 }
                while index < characters.count, characters[index].isNumber { index += 1 }
            }
            let lexeme = text(from: start)
            if index < characters.count, Self.isWordCharacter(characters[index]) {
                throw error("invalid number '\(lexeme)\(characters[index])'", at: start)
            }
            guard let value = Double(lexeme) else { throw error("invalid number '\(lexeme)'", at: start) }
            return Token(kind: .number(value, text: lexeme), text: lexeme, position: start + 1)
        }

        /// A word, or a prefixed identifier `prefix.key` where the key runs to the next
        /// character that cannot be in a plain key, or is a backtick or double-quoted text.
        private mutating func word() throws -> Token {
            let start = index
            while index < characters.count, Self.isWordCharacter(characters[index]) { index += 1 }
            let head = text(from: start)
            guard index < characters.count, characters[index] == "." else {
                return Token(kind: .word(head), text: head, position: start + 1)
            }
            index += 1
            let keyStart = index
            let key: String
            if index < characters.count, characters[index] == "`" || characters[index] == "\"" {
                key = try quoted(closing: characters[index])
            } else {
                while index < characters.count, Self.isWordCharacter(characters[index]) || characters[index] == "." { index += 1 }
                key = String(characters[keyStart..<index])
                if key.isEmpty { throw error("missing key after '\(head).'", at: start) }
            }
            let written = text(from: start)
            guard let entity = Entity(prefix: head) else {
                // An unknown prefix: kept whole as a bare dotted name (a registry key such as
                // `mlflow.x` has no prefix); the caller decides whether it is valid.
                return Token(kind: .identifier(Identifier(entity: nil, key: written, text: written)), text: written, position: start + 1)
            }
            return Token(kind: .identifier(Identifier(entity: entity, key: key, text: written)), text: written, position: start + 1)
        }
    }
}

// MARK: - Parser

extension MLflowSearchFilter {
    struct Parser {
        let tokens: [Token]
        let source: String
        var index = 0

        init(tokens: [Token], source: String) {
            self.tokens = tokens
            self.source = source
        }

        private static let keywords: Set<String> = ["AND", "OR", "LIKE", "ILIKE", "IN", "NOT", "IS", "NULL"]

        private func fail(_ expected: String) -> MLflowError {
            if index < tokens.count {
                let token = tokens[index]
                return syntaxError(source, "expected \(expected) at position \(token.position), found '\(token.text)'")
            }
            return syntaxError(source, "expected \(expected) at position \(source.count + 1), found the end of the filter")
        }

        private func keyword(at offset: Int = 0) -> String? {
            guard index + offset < tokens.count, case .word(let word) = tokens[index + offset].kind else { return nil }
            let upper = word.uppercased()
            return Self.keywords.contains(upper) ? upper : nil
        }

        mutating func filter() throws -> [Comparison] {
            var comparisons = [try comparison()]
            while index < tokens.count {
                switch keyword() {
                case "AND": index += 1; comparisons.append(try comparison())
                case "OR": throw syntaxError(source, "OR is not supported (position \(tokens[index].position)); only AND joins comparisons")
                default: throw fail("AND or the end of the filter")
                }
            }
            return comparisons
        }

        private mutating func identifier() throws -> Identifier {
            guard index < tokens.count else { throw fail("a column such as metrics.<key>, params.<key>, tags.<key> or attributes.<key>") }
            switch tokens[index].kind {
            case .identifier(let identifier):
                index += 1
                return identifier
            case .word(let word) where keyword() == nil:
                index += 1
                return Identifier(entity: nil, key: word, text: word)
            default:
                throw fail("a column such as metrics.<key>, params.<key>, tags.<key> or attributes.<key>")
            }
        }

        private mutating func comparison() throws -> Comparison {
            let position = index < tokens.count ? tokens[index].position : source.count + 1
            let identifier = try identifier()
            guard index < tokens.count else { throw fail("an operator after '\(identifier.text)'") }
            let op: Operator
            switch tokens[index].kind {
            case .op(let text):
                guard let known = Operator(rawValue: text) else { throw fail("an operator") }
                op = known
                index += 1
            case .word:
                switch keyword() {
                case "LIKE": op = .like; index += 1
                case "ILIKE": op = .ilike; index += 1
                case "IN": op = .isIn; index += 1
                case "NOT" where keyword(at: 1) == "IN": op = .notIn; index += 2
                case "IS" where keyword(at: 1) == "NULL": op = .isNull; index += 2
                case "IS" where keyword(at: 1) == "NOT" && keyword(at: 2) == "NULL": op = .isNotNull; index += 3
                default: throw fail("an operator after '\(identifier.text)'")
                }
            default: throw fail("an operator after '\(identifier.text)'")
            }
            let value: Value
            switch op {
            case .isNull, .isNotNull: value = .none
            case .isIn, .notIn: value = try list()
            default: value = try scalar()
            }
            return Comparison(identifier: identifier, op: op, value: value, position: position)
        }

        private mutating func scalar() throws -> Value {
            guard index < tokens.count else { throw fail("a value") }
            switch tokens[index].kind {
            case .string(let text): index += 1; return .string(text)
            case .number(let value, let text): index += 1; return .number(value, text: text)
            default: throw fail("a quoted string or a number")
            }
        }

        private mutating func list() throws -> Value {
            guard index < tokens.count, tokens[index].kind == .openParen else { throw fail("'(' to open the list") }
            index += 1
            var values = [try scalar()]
            while index < tokens.count, tokens[index].kind == .comma {
                index += 1
                values.append(try scalar())
            }
            guard index < tokens.count, tokens[index].kind == .closeParen else { throw fail("',' or ')' in the list") }
            index += 1
            return .list(values)
        }
    }
}
