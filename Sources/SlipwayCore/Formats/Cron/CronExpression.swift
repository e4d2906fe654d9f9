import Foundation

/// A standard five-field cron schedule (`minute hour day-of-month month day-of-week`),
/// evaluated in UTC.
///
/// Each field accepts numbers, `*`, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n` (from `a` to
/// the end of the range), and comma lists. Months accept `JAN`-`DEC` and days of the week
/// `SUN`-`SAT` (case-insensitive); day-of-week 0 and 7 are both Sunday. The macros `@hourly`,
/// `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly` and `@annually` are accepted.
///
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted
/// (neither field starts with `*`), a day matches if **either** matches; otherwise both must.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written, trimmed, with runs of whitespace collapsed to one space.
    public let expression: String

    let minute: CronField
    let hour: CronField
    let dayOfMonth: CronField
    let month: CronField
    let dayOfWeek: CronField

    /// Parses a cron expression.
    /// - Throws: ``ScheduleError`` naming the offending field, e.g. `hour: 24 is out of range 0-23`.
    public init(_ expression: String) throws {
        let words = expression.split(whereSeparator: { $0.isWhitespace })
        guard let first = words.first else { throw ScheduleError.empty }
        self.expression = words.joined(separator: " ")

        var fields = words
        if first.hasPrefix("@") {
            guard words.count == 1 else { throw ScheduleError.fieldCount(words.count) }
            guard let expanded = CronExpression.macros[first.lowercased()] else {
                throw ScheduleError.unknownMacro(String(first))
            }
            fields = expanded.split(separator: " ")
        }
        guard fields.count == 5 else { throw ScheduleError.fieldCount(fields.count) }
        minute = try CronField(fields[0], kind: .minute)
        hour = try CronField(fields[1], kind: .hour)
        dayOfMonth = try CronField(fields[2], kind: .dayOfMonth)
        month = try CronField(fields[3], kind: .month)
        dayOfWeek = try CronField(fields[4], kind: .dayOfWeek)
    }

    /// Supported `@` macros and their five-field equivalents.
    public static let macros: [String: String] = [
        "@hourly": "0 * * * *",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *",
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
    ]

    /// Returns true if the schedule fires at the minute containing `date` (UTC).
    public func matches(_ date: Date) -> Bool {
        guard let minutes = CronExpression.epochMinutes(date) else { return false }
        let time = UTCMinute(epochMinutes: minutes)
        return month.contains(time.month) && dayMatches(time) && hour.contains(time.hour)
            && minute.contains(time.minute)
    }

    public var description: String { expression }

    func dayMatches(_ time: UTCMinute) -> Bool {
        let dom = dayOfMonth.contains(time.day)
        let dow = dayOfWeek.contains(time.weekday)
        if dayOfMonth.isStar || dayOfWeek.isStar { return dom && dow }
        return dom || dow
    }

    /// Whole minutes since the Unix epoch (floored), or nil for non-finite or absurd dates.
    static func epochMinutes(_ date: Date) -> Int64? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        return Int64((seconds / 60).rounded(.down))
    }
}
