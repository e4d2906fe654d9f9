import Foundation

/// A reader of the YAML subset model manifests (`MLmodel` files) are written in: nested block
/// mappings by indentation, block sequences (`- item`), plain, single- and double-quoted
/// scalars (quoted ones may continue on more-indented lines, folded with a space), `null`,
/// `~`, booleans, numbers, `{}` and `[]`, and `#` comments. Anything else (anchors, tags, block
/// scalars, flow collections with content) is kept as text or refused, never guessed.
public enum ManifestYAML {
    public static func parse(_ text: String) throws(SlipwayError) -> JSONValue {
        var lines: [(indent: Int, text: String)] = []
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "---" { continue }
            let indent = line.prefix { $0 == " " }.count
            lines.append((indent, String(line.dropFirst(indent))))
        }
        var position = 0
        guard !lines.isEmpty else { return .object([:]) }
        let firstIndent = lines[0].indent
        let value = try block(&lines, &position, indent: firstIndent)
        guard position == lines.count else { throw .badRequest("the model manifest is not valid YAML near line \(position + 1)") }
        return value
    }

    private static func block(_ lines: inout [(indent: Int, text: String)], _ position: inout Int,
                              indent: Int) throws(SlipwayError) -> JSONValue {
        if lines[position].text.hasPrefix("- ") || lines[position].text == "-" {
            var items: [JSONValue] = []
            while position < lines.count, lines[position].indent == indent,
                  lines[position].text.hasPrefix("- ") || lines[position].text == "-" {
                let rest = String(lines[position].text.dropFirst(1)).trimmingCharacters(in: .whitespaces)
                if rest.isEmpty {
                    position += 1
                    if position < lines.count, lines[position].indent > indent {
                        let inner = lines[position].indent
                        items.append(try block(&lines, &position, indent: inner))
                    } else {
                        items.append(.null)
                    }
                } else if mappingKey(rest) != nil {
                    // `- key: value` starts a mapping indented by the dash.
                    lines[position] = (indent + 2, rest)
                    items.append(try block(&lines, &position, indent: indent + 2))
                } else {
                    items.append(try scalar(rest, &lines, &position, indent: indent))
                }
            }
            return .array(items)
        }
        var object: [String: JSONValue] = [:]
        while position < lines.count, lines[position].indent == indent {
            let line = lines[position].text
            guard let entry = mappingKey(line) else {
                throw .badRequest("the model manifest is not valid YAML near line \(position + 1)")
            }
            let (key, rest) = entry
            if rest.isEmpty {
                position += 1
                if position < lines.count, lines[position].indent > indent
                    || (lines[position].indent == indent && lines[position].text.hasPrefix("- ")) {
                    let inner = lines[position].indent
                    object[key] = try block(&lines, &position, indent: inner)
                } else {
                    object[key] = .null
                }
            } else {
                object[key] = try scalar(rest, &lines, &position, indent: indent)
            }
        }
        return .object(object)
    }

    /// `key: rest` (the key plain or quoted), nil when the line is not a mapping entry.
    private static func mappingKey(_ line: String) -> (String, String)? {
        if line.hasPrefix("'") || line.hasPrefix("\"") {
            let quote = line.first!
            guard let end = line.dropFirst().firstIndex(of: quote) else { return nil }
            let after = line[line.index(after: end)...]
            guard after.hasPrefix(":") else { return nil }
            return (String(line[line.index(after: line.startIndex)..<end]),
                    String(after.dropFirst()).trimmingCharacters(in: .whitespaces))
        }
        guard let colon = line.range(of: ": ") ?? (line.hasSuffix(":") ? line.range(of: ":", options: .backwards) : nil)
        else { return nil }
        let key = String(line[..<colon.lowerBound])
        guard !key.isEmpty, !key.hasPrefix("- "), !key.contains(" #") else { return nil }
        return (key, String(line[colon.upperBound...]).trimmingCharacters(in: .whitespaces))
    }

    /// A scalar starting on the current line; quoted ones may continue on more-indented lines.
    private static func scalar(_ text: String, _ lines: inout [(indent: Int, text: String)], _ position: inout Int,
                               indent: Int) throws(SlipwayError) -> JSONValue {
        position += 1
        guard let quote = text.first, quote == "'" || quote == "\"" else {
            var plain = text
            if let comment = plain.range(of: " #") { plain = String(plain[..<comment.lowerBound]) }
            while position < lines.count, lines[position].indent > indent {
                plain += " " + lines[position].text
                position += 1
            }
            return plainValue(plain.trimmingCharacters(in: .whitespaces))
        }
        var body = String(text.dropFirst())
        while !isClosed(body, quote: quote) {
            guard position < lines.count, lines[position].indent > indent else {
                throw .badRequest("a quoted value of the model manifest is not closed")
            }
            body += " " + lines[position].text
            position += 1
        }
        body = String(body.dropLast(body.count - closingIndex(body, quote: quote)!))
        if quote == "'" { return .string(body.replacingOccurrences(of: "''", with: "'")) }
        return .string(unescapeDouble(body))
    }

    private static func closingIndex(_ body: String, quote: Character) -> Int? {
        let characters = Array(body)
        var index = 0
        while index < characters.count {
            if quote == "\"", characters[index] == "\\" { index += 2; continue }
            if characters[index] == quote {
                if quote == "'", index + 1 < characters.count, characters[index + 1] == "'" { index += 2; continue }
                return index
            }
            index += 1
        }
        return nil
    }

    private static func isClosed(_ body: String, quote: Character) -> Bool {
        closingIndex(body, quote: quote) != nil
    }

    private static func unescapeDouble(_ body: String) -> String {
        var result = ""
        var escaping = false
        for character in body {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "/": result.append("/")
                default: result.append("\\"); result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func plainValue(_ text: String) -> JSONValue {
        switch text {
        case "null", "Null", "NULL", "~", "": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "{}": return .object([:])
        case "[]": return .array([])
        default:
            if let number = Double(text), text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
                return .number(number)
            }
            return .string(text)
        }
    }
}
