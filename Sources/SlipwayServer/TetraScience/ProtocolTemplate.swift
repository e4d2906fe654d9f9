import Foundation
import SlipwayCore

/// A string of a protocol (a step input, an `if`, a `continueOnError`) that may hold
/// `$( … )` expressions: a string that is exactly one expression takes the expression's value
/// (a file pointer stays an object); text around expressions makes a string with each value
/// written in (strings as they are, other values as JSON).
enum ProtocolTemplate: Equatable, Sendable {
    enum Part: Equatable, Sendable {
        case text(String)
        case expression(ProtocolExpression)
    }

    case literal(String)
    case expression(ProtocolExpression)
    case interpolated([Part])

    var expressions: [ProtocolExpression] {
        switch self {
        case .literal: return []
        case .expression(let expression): return [expression]
        case .interpolated(let parts):
            return parts.compactMap { if case .expression(let expression) = $0 { return expression } else { return nil } }
        }
    }

    static func parse(_ text: String) throws(ProtocolExpression.ParseError) -> ProtocolTemplate {
        let scalars = Array(text.unicodeScalars)
        var parts: [Part] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "(" else {
                literal.append(scalars[index])
                index += 1
                continue
            }
            let end = try closingParenthesis(scalars, from: index + 2)
            if !literal.isEmpty {
                parts.append(.text(String(literal)))
                literal = String.UnicodeScalarView()
            }
            parts.append(.expression(try ProtocolExpression.parse(String(String.UnicodeScalarView(scalars[(index + 2)..<end])))))
            index = end + 1
        }
        if !literal.isEmpty { parts.append(.text(String(literal))) }
        switch parts.count {
        case 0: return .literal("")
        case 1:
            switch parts[0] {
            case .text(let text): return .literal(text)
            case .expression(let expression): return .expression(expression)
            }
        default:
            // Spaces around a lone expression do not make it a string.
            let texts = parts.compactMap { if case .text(let text) = $0 { return text } else { return nil } }
            if parts.count - texts.count == 1, texts.allSatisfy({ $0.allSatisfy(\.isWhitespace) }), let only = parts.first(where: {
                if case .expression = $0 { return true } else { return false }
            }), case .expression(let expression) = only {
                return .expression(expression)
            }
            return .interpolated(parts)
        }
    }

    /// The index of the `)` that closes an expression starting at `start`, skipping quoted
    /// strings and nested parentheses.
    private static func closingParenthesis(_ scalars: [Unicode.Scalar], from start: Int) throws(ProtocolExpression.ParseError) -> Int {
        var depth = 0
        var quote: Unicode.Scalar?
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == "\\" { index += 1 } else if scalar == open { quote = nil }
            } else if scalar == "'" || scalar == "\"" {
                quote = scalar
            } else if scalar == "(" {
                depth += 1
            } else if scalar == ")" {
                if depth == 0 { return index }
                depth -= 1
            }
            index += 1
        }
        throw ProtocolExpression.ParseError(message: "a '$(' is not closed with ')'")
    }

    func evaluate(_ contexts: [String: JSONValue]) -> JSONValue {
        switch self {
        case .literal(let text): return .string(text)
        case .expression(let expression): return expression.evaluate(contexts)
        case .interpolated(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .expression(let expression):
                    let value = expression.evaluate(contexts)
                    if case .string(let string) = value { text += string } else { text += value.jsonString() }
                }
            }
            return .string(text)
        }
    }
}
