import SlipwayCore

/// Parser for `application/x-www-form-urlencoded` bodies.
public enum URLEncodedForm {
    /// Default cap on the number of fields in one body.
    public static let defaultMaxFields = 10_000

    /// Parses a urlencoded body into `(name, value)` pairs, in body order.
    ///
    /// Fields are separated by `&` (empty fields are skipped); `+` decodes to a space and
    /// `%XX` to the byte `XX`; decoded bytes must be UTF-8. A field without `=` has an empty
    /// value. An empty body has no fields.
    /// - Throws: ``FormError`` for malformed percent escapes, invalid UTF-8, or more than
    ///   `maxFields` fields.
    public static func parse(_ body: some Sequence<UInt8>, maxFields: Int = defaultMaxFields) throws -> [(String, String)] {
        let bytes = Array(body)
        var fields: [(String, String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if fields.count >= maxFields { throw FormError.tooManyFields(limit: maxFields) }
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                name = part[part.startIndex..<equals]
                value = part[(equals + 1)...]
            } else {
                name = part
                value = []
            }
            fields.append((try decodeComponent(name), try decodeComponent(value)))
        }
        return fields
    }

    /// Parses a urlencoded body given as text.
    public static func parse(_ body: String, maxFields: Int = defaultMaxFields) throws -> [(String, String)] {
        try parse(body.utf8, maxFields: maxFields)
    }

    /// Decodes one name or value: `+` → space, `%XX` → byte, then UTF-8.
    public static func decodeComponent(_ component: some Collection<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(component.count)
        var iterator = component.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw FormError.badPercentEncoding(near: String(decoding: component, as: UTF8.self))
                }
                out.append(high << 4 | low)
            default:
                out.append(byte)
            }
        }
        guard let string = String(validating: out, as: UTF8.self) else {
            throw FormError.invalidUTF8(near: String(decoding: component, as: UTF8.self))
        }
        return string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
