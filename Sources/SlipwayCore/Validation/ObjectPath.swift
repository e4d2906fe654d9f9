import Foundation

/// A validated data-store object path: relative, `/`-separated, no `.`/`..` segments, no
/// empty segments, no control characters, at most 1024 bytes.
public struct ObjectPath: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// `field` names the value in error messages (the data-store API calls it `path_to_object`).
    public init(_ raw: String, field: String = "path_to_object") throws(SlipwayError) {
        guard !raw.isEmpty else { throw .badRequest("\(field) must not be empty") }
        guard raw.utf8.count <= 1024 else { throw .badRequest("\(field) must be at most 1024 bytes") }
        guard !raw.hasPrefix("/") else {
            throw .badRequest("\(field) '\(NameRules.printable(raw))' must be relative (no leading '/')")
        }
        guard !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\\" })
        else { throw .badRequest("\(field) must not contain control characters or '\\'") }
        let segments = raw.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment == "." || segment == ".." {
                throw .badRequest("\(field) '\(NameRules.printable(raw))' must not contain '.' or '..' segments")
            }
            if segment.isEmpty && index != segments.count - 1 {
                throw .badRequest("\(field) '\(NameRules.printable(raw))' must not contain empty segments")
            }
        }
        guard !raw.hasSuffix("/") else {
            throw .badRequest("\(field) '\(NameRules.printable(raw))' names a folder, not an object")
        }
        value = raw
    }

    public var description: String { value }

    /// Validates a folder prefix used for listings (may be empty, may end with `/`).
    public static func validateFolder(_ raw: String, field: String = "path_to_object") throws(SlipwayError) -> String {
        if raw.isEmpty { return "" }
        let trimmed = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        _ = try ObjectPath(trimmed, field: field)
        return trimmed + "/"
    }

    /// Expands `{execution_id}`, `{date}` (YYYYMMDD) and `{date_time}` (YYYYMMDD_hhmmss, UTC).
    public static func expandPlaceholders(_ template: String, executionID: String, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let day = pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2)
        let time = pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2)
        return template
            .replacingOccurrences(of: "{execution_id}", with: executionID)
            .replacingOccurrences(of: "{date_time}", with: day + "_" + time)
            .replacingOccurrences(of: "{date}", with: day)
    }
}
