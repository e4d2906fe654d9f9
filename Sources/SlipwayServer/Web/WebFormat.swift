import Foundation
import SlipwayCore

/// How the UI writes times, sizes, durations and values. Times are sent as ISO 8601 UTC in
/// `<time datetime>` (the script shows them in the reader's time zone, UTC on hover) with a
/// UTC text for readers without scripts.
enum WebFormat {
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon)) + "Z"
    }

    static func utcText(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeSeparator: .colon)
            .year().month().day().time(includingFractionalSeconds: false)) + " UTC"
    }

    /// `key` as ISO and `keyText` as UTC text, for a template's `<time>`.
    static func time(_ date: Date?, _ key: String, into values: inout [String: Any]) {
        guard let date else { return }
        values[key] = iso(date)
        values[key + "Text"] = utcText(date)
    }

    static func duration(from start: Date?, to end: Date?) -> String {
        guard let start, let end else { return "—" }
        return duration(end.timeIntervalSince(start))
    }

    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \((whole % 3600) / 60) min"
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// A short one-line text of a JSON value (strings without quotes), cut at `limit` characters.
    static func value(_ json: JSONValue?, limit: Int = 300) -> String {
        guard let json else { return "—" }
        let text: String = if case .string(let string) = json { string } else { json.jsonString() }
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude != 0, magnitude < 1e-3 || magnitude >= 1e9 { return String(format: "%.4g", value) }
        return String(format: "%.6g", value)
    }

    /// The badge class of a status: `ok`, `bad`, `running` or none.
    static func statusClass(_ status: String) -> String {
        switch status.lowercased() {
        case "succeeded", "success", "completed", "ready", "up", "active", "ok": "ok"
        case "failed", "error", "errored", "failure", "down", "unhealthy", "alert", "cancelled", "canceled": "bad"
        case "running", "pending", "starting", "building", "creating", "queued", "waiting", "in_progress", "processing": "running"
        default: ""
        }
    }
}

extension WebFormat {
    /// `HH:MM` in UTC (chart axes).
    static func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
