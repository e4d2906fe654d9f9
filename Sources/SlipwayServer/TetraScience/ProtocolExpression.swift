import Foundation
import SlipwayCore

/// One `$( … )` expression of a v3 protocol: a path into a context (`workflow.inputFile`,
/// `config.password`, `constants.retries`, `steps.decorate.output`, `steps["raw-to-ids"].output`),
/// a literal (`'text'`, `"text"`, numbers, `true`, `false`, `null`), and the comparisons and
/// boolean operators `if` conditions use (`==`, `!=`, `===`, `!==`, `<`, `<=`, `>`, `>=`, `&&`,
/// `||`, `!`, parentheses).
///
/// Hand-written: the expression language is TetraScience's own (a JavaScript-like subset), and
/// no Swift package parses it.
indirect enum ProtocolExpression: Equatable, Sendable {
    enum Component: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    enum Operator: String, Sendable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case and = "&&", or = "||"
    }

    case literal(JSONValue)
    case path(root: String, [Component])
    case not(ProtocolExpression)
    case binary(Operator, ProtocolExpression, ProtocolExpression)

    /// The contexts an expression may read.
    static let roots: Set<String> = ["workflow", "config", "constants", "steps"]

    /// Every path the expression reads.
    var paths: [(root: String, components: [Component])] {
        switch self {
        case .literal: return []
        case .path(let root, let components): return [(root, components)]
        case .not(let inner): return inner.paths
        case .binary(_, let left, let right): return left.paths + right.paths
        }
    }

    // MARK: Evaluation

    /// The value in `contexts` (root name → value); a missing key or index is null, as in
    /// JavaScript's optional reading of a protocol's contexts.
    func evaluate(_ contexts: [String: JSONValue]) -> JSONValue {
        switch self {
        case .literal(let value):
            return value
        case .path(let root, let components):
            var value = contexts[root] ?? .null
            for component in components {
                switch (component, value) {
                case (.key(let key), .object(let object)): value = object[key] ?? .null
                case (.index(let index), .array(let array)): value = array.indices.contains(index) ? array[index] : .null
                case (.key("length"), .array(let array)): value = .number(Double(array.count))
                case (.key("length"), .string(let text)): value = .number(Double(text.count))
                default: value = .null
                }
            }
            return value
        case .not(let inner):
            return .bool(!Self.truthy(inner.evaluate(contexts)))
        case .binary(let op, let left, let right):
            let lhs = left.evaluate(contexts)
            switch op {
            case .and: return Self.truthy(lhs) ? right.evaluate(contexts) : lhs
            case .or: return Self.truthy(lhs) ? lhs : right.evaluate(contexts)
            case .equal: return .bool(lhs == right.evaluate(contexts))
            case .notEqual: return .bool(lhs != right.evaluate(contexts))
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                let rhs = right.evaluate(contexts)
                let order: ComparisonResult?
                switch (lhs, rhs) {
                case (.number(let a), .number(let b)): order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
                case (.string(let a), .string(let b)): order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
                default: order = nil
                }
                guard let order else { return .bool(false) }
                switch op {
                case .less: return .bool(order == .orderedAscending)
                case .lessOrEqual: return .bool(order != .orderedDescending)
                case .greater: return .bool(order == .orderedDescending)
                default: return .bool(order != .orderedAscending)
                }
            }
        }
    }

    /// JavaScript truthiness: false, null, 0, NaN and "" are false.
    static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .number(let number): return number != 0 && !number.isNaN
        case .string(let text): return !text.isEmpty
        case .array, .object: return true
        }
    }

    // MARK: Parsing

    struct ParseError: Error, Equatable {
        var message: String
    }

    /// Parses the text between `$(` and `)`.
    static func parse(_ text: String) throws(ParseError) -> ProtocolExpression {
        var parser = Parser(Array(text.unicodeScalars))
        let expression = try parser.orExpression()
        parser.skipSpaces()
        guard parser.atEnd else { throw ParseError(message: "unexpected '\(parser.rest)'") }
        return expression
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        var atEnd: Bool { position >= scalars.count }
        var rest: String { String(String.UnicodeScalarView(scalars[position...])).prefix(20).description }

        mutating func skipSpaces() {
            while !atEnd, scalars[position].properties.isWhitespace { position += 1 }
        }

        mutating func take(_ token: String) -> Bool {
            skipSpaces()
            let wanted = Array(token.unicodeScalars)
            guard position + wanted.count <= scalars.count, Array(scalars[position..<position + wanted.count]) == wanted else { return false }
            position += wanted.count
            return true
        }

        mutating func orExpression() throws(ParseError) -> ProtocolExpression {
            var left = try andExpression()
            while take("||") { left = .binary(.or, left, try andExpression()) }
            return left
        }

        mutating func andExpression() throws(ParseError) -> ProtocolExpression {
            var left = try comparison()
            while take("&&") { left = .binary(.and, left, try comparison()) }
            return left
        }

        mutating func comparison() throws(ParseError) -> ProtocolExpression {
            let left = try unary()
            // Longest first: `===` before `==`, `<=` before `<`.
            for (token, op) in [("===", Operator.equal), ("!==", .notEqual), ("==", .equal), ("!=", .notEqual),
                                ("<=", .lessOrEqual), (">=", .greaterOrEqual), ("<", .less), (">", .greater)] where take(token) {
                return .binary(op, left, try unary())
            }
            return left
        }

        mutating func unary() throws(ParseError) -> ProtocolExpression {
            skipSpaces()
            if !atEnd, scalars[position] == "!", position + 1 >= scalars.count || scalars[position + 1] != "=" {
                position += 1
                return .not(try unary())
            }
            return try primary()
        }

        mutating func primary() throws(ParseError) -> ProtocolExpression {
            skipSpaces()
            guard !atEnd else { throw ParseError(message: "the expression is empty or ends early") }
            let scalar = scalars[position]
            if scalar == "(" {
                position += 1
                let inner = try orExpression()
                guard take(")") else { throw ParseError(message: "a '(' is not closed") }
                return inner
            }
            if scalar == "'" || scalar == "\"" { return .literal(.string(try quoted())) }
            if scalar == "-" || ("0"..."9").contains(scalar) { return .literal(.number(try number())) }
            guard Self.isIdentifierStart(scalar) else { throw ParseError(message: "unexpected '\(rest)'") }
            let name = identifier(allowHyphen: false)
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null", "undefined": return .literal(.null)
            default: break
            }
            guard ProtocolExpression.roots.contains(name) else {
                throw ParseError(message: "'\(name)' is not a context (use workflow, config, constants or steps)")
            }
            var components: [Component] = []
            while true {
                if take("?.") || take(".") {
                    skipSpaces()
                    guard !atEnd, Self.isIdentifierStart(scalars[position]) else { throw ParseError(message: "a name must follow '.'") }
                    components.append(.key(identifier(allowHyphen: true)))
                } else if take("[") {
                    skipSpaces()
                    guard !atEnd else { throw ParseError(message: "a '[' is not closed") }
                    if scalars[position] == "'" || scalars[position] == "\"" {
                        components.append(.key(try quoted()))
                    } else {
                        let value = try number()
                        guard value >= 0, value == value.rounded(), value < 1e9 else { throw ParseError(message: "an index must be a whole number ≥ 0") }
                        components.append(.index(Int(value)))
                    }
                    guard take("]") else { throw ParseError(message: "a '[' is not closed") }
                } else {
                    break
                }
            }
            return .path(root: name, components)
        }

        static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic
        }

        /// A name; after a dot it may hold hyphens (`steps.raw-to-ids`), as step ids do.
        mutating func identifier(allowHyphen: Bool) -> String {
            let start = position
            while !atEnd {
                let scalar = scalars[position]
                guard Self.isIdentifierStart(scalar) || ("0"..."9").contains(scalar) || (allowHyphen && scalar == "-") else { break }
                position += 1
            }
            return String(String.UnicodeScalarView(scalars[start..<position]))
        }

        mutating func quoted() throws(ParseError) -> String {
            let quote = scalars[position]
            position += 1
            var text = String.UnicodeScalarView()
            while !atEnd {
                let scalar = scalars[position]
                position += 1
                if scalar == quote { return String(text) }
                if scalar == "\\", !atEnd {
                    let escaped = scalars[position]
                    position += 1
                    switch escaped {
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    default: text.append(escaped)
                    }
                } else {
                    text.append(scalar)
                }
            }
            throw ParseError(message: "a quoted string is not closed")
        }

        mutating func number() throws(ParseError) -> Double {
            let start = position
            if scalars[position] == "-" { position += 1 }
            while !atEnd, ("0"..."9").contains(scalars[position]) || scalars[position] == "." { position += 1 }
            let text = String(String.UnicodeScalarView(scalars[start..<position]))
            guard let value = Double(text), value.isFinite else { throw ParseError(message: "'\(text)' is not a number") }
            return value
        }
    }
}
