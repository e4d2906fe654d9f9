import Foundation

/// RFC 4180 CSV text as rows of fields: `,` separates fields, line breaks (`\n` or `\r\n`)
/// rows, double quotes enclose fields that hold either (`""` is a quote). Empty lines are
/// skipped, so a trailing line break adds no row.
enum CSVLines {
    static func rows(_ text: String) throws(SlipwayError) -> [[String]] {
        var rows: [[String]] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { rows.append(fields) }
            fields = []
            field = ""
            wasQuoted = false
        }
        while let scalar = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty else { throw .badRequest("a CSV field has a quote inside it") }
                quoted = true
                wasQuoted = true
            case ",":
                fields.append(field)
                field = ""
                wasQuoted = false
            case "\r":
                let next = scalars.next()
                if next != "\n" { pending = next }
                endRow()
            case "\n":
                endRow()
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw .badRequest("a CSV field's quote is not closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }
}
