import SlipwayCore

/// The rows of one multi-row write, as a single JSON array of arrays. It is bound as **one**
/// text parameter and expanded by SQLite's `jsonb_each` (its elements come out in SQLite's
/// binary JSON, so reading their fields parses nothing again). A statement writing a thousand
/// rows then costs one bind and a short statement text, instead of thirteen thousand binds that
/// each go through the generic value encoder and a statement text SQLite parses every time.
///
///     INSERT INTO t (a, b) SELECT value->>0, value->>1 FROM jsonb_each(?)
///
/// Strings are stored byte for byte, numbers as JSON numbers (SQLite reads them back as the
/// shortest representation Swift wrote, which round-trips), nil as JSON `null` (SQL `NULL`).
struct JSONRows {
    private var writer = JSONTextWriter(reservingCapacity: 4096)
    /// Rows written so far.
    private(set) var count = 0
    private var fieldsInRow = 0

    init() {
        writer.append("[")
    }

    /// Starts the next row; fields follow with `text`, `number` and `integer`.
    mutating func beginRow() {
        if count > 0 { writer.append("]") }
        writer.append(count > 0 ? ",[" : "[")
        count += 1
        fieldsInRow = 0
    }

    mutating func text(_ value: String?) {
        separate()
        if let value { writer.write(string: value) } else { writer.append("null") }
    }

    mutating func number(_ value: Double?) {
        separate()
        if let value { writer.write(number: value) } else { writer.append("null") }
    }

    mutating func integer(_ value: Int) {
        separate()
        writer.write(number: Double(value))
    }

    /// The whole array, rows closed.
    var json: String {
        var closed = writer
        if count > 0 { closed.append("]") }
        closed.append("]")
        return String(decoding: closed.bytes, as: UTF8.self)
    }

    private mutating func separate() {
        if fieldsInRow > 0 { writer.append(",") }
        fieldsInRow += 1
    }

    /// `value->>0, value->>1, …` for a select list over `jsonb_each` rows of `columns` fields.
    static func selectList(columns: Int) -> String {
        (0..<columns).map { "value->>\($0)" }.joined(separator: ", ")
    }
}
