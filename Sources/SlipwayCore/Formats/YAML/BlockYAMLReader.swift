import Foundation

/// Reads the subset of YAML that `yaml.safe_dump` writes (model metadata and Python
/// environment files): block mappings and block sequences by indentation, plain, single-
/// and double-quoted scalars (also folded over several lines, as PyYAML wraps long ones),
/// `null`/`~`, booleans, numbers, `#` comments, and `{}`/`[]` as empty collections. Anything
/// else (anchors, tags, flow collections with content, block scalars `|`/`>`) is an error,
/// never a guess. The result is a `JSONValue`.
public struct BlockYAMLReader {
    struct Line {
        var indent: Int
        var text: Substring
        var number: Int
    }

    private var lines: [Line] = []
    private var index = 0

    public static func parse(_ text: String) throws(SlipwayError) -> JSONValue {
        var reader = BlockYAMLReader()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let body = line.drop { $0 == " " }
            if body.isEmpty || body.hasPrefix("#") || body == "---" { continue }
            if line.contains("\t") && line.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
                throw Self.problem(number + 1, "tabs cannot indent YAML")
            }
            reader.lines.append(Line(indent: line.count - body.count, text: body, number: number + 1))
        }
        guard !reader.lines.isEmpty else { return .null }
        let value = try reader.node(indent: reader.lines[0].indent)
        guard reader.index == reader.lines.count else {
            throw Self.problem(reader.lines[reader.index].number, "unexpected indentation")
        }
        return value
    }

    private mutating func node(indent: Int) throws(SlipwayError) -> JSONValue {
        let first = lines[index]
        if first.text == "-" || first.text.hasPrefix("- ") { return try sequence(indent: indent) }
        return try mapping(indent: indent)
    }

    private mutating func sequence(indent: Int) throws(SlipwayError) -> JSONValue {
        var items: [JSONValue] = []
        while index < lines.count, lines[index].indent == indent,
              lines[index].text == "-" || lines[index].text.hasPrefix("- ") {
            let line = lines[index]
            let rest = line.text.dropFirst(1).drop { $0 == " " }
            if rest.isEmpty {
                index += 1
                guard index < lines.count, lines[index].indent > indent else { items.append(.null); continue }
                items.append(try node(indent: lines[index].indent))
            } else if Self.keySplit(rest) != nil {
                // "- key: value" starts a mapping indented at the key.
                let keyIndent = indent + (line.text.count - rest.count)
                lines[index] = Line(indent: keyIndent, text: rest, number: line.number)
                items.append(try mapping(indent: keyIndent))
            } else {
                index += 1
                items.append(try scalar(String(rest), line: line.number, continuationIndent: indent))
            }
        }
        return .array(items)
    }

    private mutating func mapping(indent: Int) throws(SlipwayError) -> JSONValue {
        var object: [String: JSONValue] = [:]
        while index < lines.count, lines[index].indent == indent {
            let line = lines[index]
            guard let split = Self.keySplit(line.text) else { throw Self.problem(line.number, "expected 'key: value'") }
            let (key, rest) = split
            index += 1
            let name = try Self.keyText(key, line: line.number)
            if rest.isEmpty {
                if index < lines.count, lines[index].indent > indent {
                    object[name] = try node(indent: lines[index].indent)
                } else if index < lines.count, lines[index].indent == indent,
                          lines[index].text == "-" || lines[index].text.hasPrefix("- ") {
                    object[name] = try sequence(indent: indent)
                } else {
                    object[name] = .null
                }
            } else {
                object[name] = try scalar(String(rest), line: line.number, continuationIndent: indent)
            }
        }
        return .object(object)
    }

    /// A scalar starting with `text`, continued on following lines indented deeper than
    /// `continuationIndent` (folded: each line break becomes a space).
    private mutating func scalar(_ text: String, line: Int, continuationIndent: Int) throws(SlipwayError) -> JSONValue {
        var text = text
        if text.hasPrefix("'") || text.hasPrefix("\"") {
            let quote = text.first!
            while !Self.closesQuote(text, quote) {
                guard index < lines.count, lines[index].indent > continuationIndent else {
                    throw Self.problem(line, "unterminated quoted string")
                }
                text += " " + lines[index].text
                index += 1
            }
            return .string(try Self.unquote(text, quote, line: line))
        }
        while index < lines.count, lines[index].indent > continuationIndent {
            text += " " + lines[index].text
            index += 1
        }
        if let hash = text.range(of: " #") { text = String(text[..<hash.lowerBound]) }
        text = text.trimmingCharacters(in: .whitespaces)
        switch text {
        case "null", "Null", "NULL", "~": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "{}": return .object([:])
        case "[]": return .array([])
        default: break
        }
        if let first = text.first, "&*!|>{[%@`".contains(first) {
            throw Self.problem(line, "this YAML construct is not supported")
        }
        if let number = Double(text), text.first?.isNumber == true || text.first == "-" || text.first == "." { return .number(number) }
        return .string(text)
    }

    static func keySplit(_ text: Substring) -> (Substring, Substring)? {
        if text.hasPrefix("'") || text.hasPrefix("\"") {
            let quote = text.first!
            var escaped = false
            for position in text.indices.dropFirst() {
                let character = text[position]
                if quote == "\"", character == "\\", !escaped { escaped = true; continue }
                if character == quote, !escaped {
                    let after = text[text.index(after: position)...]
                    guard after.hasPrefix(":"), after.count == 1 || after.dropFirst().hasPrefix(" ") else { return nil }
                    return (text[...position], after.dropFirst().drop { $0 == " " })
                }
                escaped = false
            }
            return nil
        }
        guard let colon = text.range(of: ": ") ?? (text.hasSuffix(":") ? text.index(before: text.endIndex)..<text.endIndex : nil)
        else { return nil }
        return (text[..<colon.lowerBound], text[colon.upperBound...].drop { $0 == " " })
    }

    static func keyText(_ key: Substring, line: Int) throws(SlipwayError) -> String {
        if let first = key.first, first == "'" || first == "\"" { return try unquote(String(key), first, line: line) }
        return String(key)
    }

    static func closesQuote(_ text: String, _ quote: Character) -> Bool {
        guard text.count >= 2, text.last == quote else { return false }
        let inner = text.dropFirst().dropLast()
        if quote == "'" {
            // Doubled quotes are escapes: the count of trailing quotes in the inner text is even.
            let trailing = inner.reversed().prefix { $0 == "'" }.count
            return trailing % 2 == 0
        }
        let backslashes = inner.reversed().prefix { $0 == "\\" }.count
        return backslashes % 2 == 0
    }

    static func unquote(_ text: String, _ quote: Character, line: Int) throws(SlipwayError) -> String {
        let inner = String(text.dropFirst().dropLast())
        if quote == "'" { return inner.replacingOccurrences(of: "''", with: "'") }
        var result = ""
        var iterator = inner.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else { result.append(character); continue }
            switch iterator.next() {
            case "n"?: result.append("\n")
            case "t"?: result.append("\t")
            case "\""?: result.append("\"")
            case "\\"?: result.append("\\")
            case "/"?: result.append("/")
            case " "?: result.append(" ")
            case "0"?: result.append("\0")
            default: throw problem(line, "unsupported escape in a double-quoted string")
            }
        }
        return result
    }

    static func problem(_ line: Int, _ message: String) -> SlipwayError {
        .badRequest("YAML line \(line): \(message)")
    }
}
