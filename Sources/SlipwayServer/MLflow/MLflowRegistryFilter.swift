import Foundation

/// A registry search filter: comparisons joined by `AND`, as MLflow's registry search accepts
/// them — `name = 'x'`, `name LIKE '%x%'` (`ILIKE` ignores case), `run_id IN ('a', 'b')`,
/// `version_number >= 2`, `` tags.`mlflow.prompt.is_prompt` != 'true' `` (also `tag.`), with
/// identifiers bare, in backticks or double quotes and values in single or double quotes.
/// A filter that does not parse is `INVALID_PARAMETER_VALUE` naming what was expected.
struct MLflowRegistryFilter: Sendable, Equatable {
    enum Key: Sendable, Equatable {
        case attribute(String)
        case tag(String)
    }

    enum Operator: String, Sendable {
        case equal = "=", notEqual = "!=", like = "LIKE", ilike = "ILIKE", `in` = "IN", notIn = "NOT IN"
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    struct Comparison: Sendable, Equatable {
        var key: Key
        var op: Operator
        var values: [String]
    }

    var comparisons: [Comparison]

    init(_ text: String) throws {
        var scanner = Scanner(text)
        comparisons = []
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        while true {
            comparisons.append(try scanner.comparison())
            scanner.skipSpaces()
            if scanner.atEnd { break }
            guard scanner.keyword("AND") else { throw scanner.failure("expected AND between comparisons") }
        }
    }

    /// A byte-level scanner over the filter text.
    struct Scanner {
        let characters: [Character]
        var position = 0

        init(_ text: String) { characters = Array(text) }

        var atEnd: Bool { position >= characters.count }

        mutating func skipSpaces() { while !atEnd, characters[position].isWhitespace { position += 1 } }

        /// Consumes a case-insensitive keyword followed by a space, `(` or the end.
        mutating func keyword(_ word: String) -> Bool {
            skipSpaces()
            let end = position + word.count
            guard end <= characters.count, String(characters[position..<end]).uppercased() == word else { return false }
            guard end == characters.count || characters[end].isWhitespace || characters[end] == "(" || characters[end] == "'" else {
                return false
            }
            position = end
            return true
        }

        mutating func comparison() throws -> Comparison {
            let key = try self.key()
            let op = try self.operator()
            skipSpaces()
            if op == .in || op == .notIn {
                guard !atEnd, characters[position] == "(" else { throw failure("expected '(' after \(op.rawValue)") }
                position += 1
                var values: [String] = []
                while true {
                    values.append(try value())
                    skipSpaces()
                    guard !atEnd else { throw failure("expected ')'") }
                    if characters[position] == "," { position += 1; continue }
                    if characters[position] == ")" { position += 1; break }
                    throw failure("expected ',' or ')'")
                }
                return Comparison(key: key, op: op, values: values)
            }
            return Comparison(key: key, op: op, values: [try value()])
        }

        mutating func key() throws -> Key {
            skipSpaces()
            let first = try identifier()
            let lowered = first.lowercased()
            if (lowered == "tags" || lowered == "tag"), !atEnd, characters[position] == "." {
                position += 1
                return .tag(try identifier())
            }
            if lowered.hasPrefix("tags.") || lowered.hasPrefix("tag.") {
                return .tag(String(first.drop { $0 != "." }.dropFirst()))
            }
            return .attribute(lowered)
        }

        /// A bare identifier (letters, digits, `_`, `.`), or one in backticks or double quotes.
        mutating func identifier() throws -> String {
            guard !atEnd else { throw failure("expected an identifier") }
            let quote = characters[position]
            if quote == "`" || quote == "\"" {
                position += 1
                let start = position
                while !atEnd, characters[position] != quote { position += 1 }
                guard !atEnd else { throw failure("unterminated \(quote)") }
                let text = String(characters[start..<position])
                position += 1
                return text
            }
            let start = position
            while !atEnd, characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
                || characters[position] == "." {
                if characters[position] == ".", position + 1 < characters.count, characters[position + 1] == "`" { break }
                position += 1
            }
            guard position > start else { throw failure("expected an identifier") }
            return String(characters[start..<position])
        }

        mutating func `operator`() throws -> Operator {
            skipSpaces()
            for symbol in ["!=", "<=", ">=", "=", "<", ">"] where hasPrefix(symbol) {
                position += symbol.count
                return Operator(rawValue: symbol)!
            }
            if keyword("LIKE") { return .like }
            if keyword("ILIKE") { return .ilike }
            if keyword("IN") { return .in }
            let saved = position
            if keyword("NOT"), keyword("IN") { return .notIn }
            position = saved
            throw failure("expected a comparison operator (=, !=, LIKE, ILIKE, IN, NOT IN, <, <=, >, >=)")
        }

        func hasPrefix(_ symbol: String) -> Bool {
            let end = position + symbol.count
            return end <= characters.count && String(characters[position..<end]) == symbol
        }

        /// A quoted string (a doubled quote inside is one quote) or a bare number.
        mutating func value() throws -> String {
            skipSpaces()
            guard !atEnd else { throw failure("expected a value") }
            let quote = characters[position]
            if quote == "'" || quote == "\"" {
                position += 1
                var text = ""
                while true {
                    guard !atEnd else { throw failure("unterminated string") }
                    if characters[position] == quote {
                        if position + 1 < characters.count, characters[position + 1] == quote {
                            text.append(quote)
                            position += 2
                            continue
                        }
                        position += 1
                        return text
                    }
                    text.append(characters[position])
                    position += 1
                }
            }
            let start = position
            while !atEnd, characters[position].isNumber || characters[position] == "-" || characters[position] == "." {
                position += 1
            }
            guard position > start else { throw failure("expected a quoted value or a number") }
            return String(characters[start..<position])
        }

        func failure(_ message: String) -> MLflowError {
            MLflowError.invalidParameter("Invalid filter at character \(position + 1): \(message)")
        }
    }

    /// SQL `LIKE`: `%` any run of characters, `_` one character.
    static func like(_ text: String, _ pattern: String, ignoringCase: Bool) -> Bool {
        let text = Array(ignoringCase ? text.lowercased() : text), pattern = Array(ignoringCase ? pattern.lowercased() : pattern)
        var memo: [Int: Bool] = [:]
        func match(_ t: Int, _ p: Int) -> Bool {
            if let known = memo[t * (pattern.count + 1) + p] { return known }
            let result: Bool
            if p == pattern.count {
                result = t == text.count
            } else if pattern[p] == "%" {
                result = match(t, p + 1) || (t < text.count && match(t + 1, p))
            } else if t < text.count, pattern[p] == "_" || pattern[p] == text[t] {
                result = match(t + 1, p + 1)
            } else {
                result = false
            }
            memo[t * (pattern.count + 1) + p] = result
            return result
        }
        return match(0, 0)
    }
}
