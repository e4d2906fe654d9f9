/// An error raised while parsing a schedule. `message` is safe to show to the end user and
/// names the offending field, e.g. `hour: 24 is out of range 0-23`.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable explanation of what is wrong with the schedule.
    public let message: String

    /// Creates an error with a user-facing message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension ScheduleError {
    static let empty = ScheduleError("the cron expression is empty")

    static func fieldCount(_ count: Int) -> ScheduleError {
        ScheduleError(
            "expected 5 fields (minute hour day-of-month month day-of-week) separated by spaces, got \(count)")
    }

    static func unknownMacro(_ macro: String) -> ScheduleError {
        if macro.lowercased() == "@reboot" {
            return ScheduleError("'@reboot' is not supported for scheduled deployments")
        }
        return ScheduleError(
            "unknown macro \(quoted(macro)); supported: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually")
    }

    static func field(_ field: CronField.Kind, _ problem: String) -> ScheduleError {
        ScheduleError("\(field.name): \(problem)")
    }

    static func quoted(_ text: String) -> String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "'" + String(String.UnicodeScalarView(shown.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "?" : $0
        })) + "'"
    }
}
