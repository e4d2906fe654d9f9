/// A UTC calendar minute computed with plain proleptic-Gregorian arithmetic (no Calendar),
/// used by ``CronExpression`` to search for fire times quickly.
struct UTCMinute: Sendable, Hashable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    init(epochMinutes: Int64) {
        let days = UTCMinute.floorDiv(epochMinutes, 1440)
        let minuteOfDay = Int(epochMinutes - days * 1440)
        let (y, m, d) = UTCMinute.civil(fromDays: days)
        self.init(year: y, month: m, day: d, hour: minuteOfDay / 60, minute: minuteOfDay % 60)
    }

    /// Days since 1970-01-01 of this date.
    var epochDays: Int64 { UTCMinute.days(year: year, month: month, day: day) }

    /// Minutes since the Unix epoch.
    var epochMinutes: Int64 { epochDays * 1440 + Int64(hour * 60 + minute) }

    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int {
        // 1970-01-01 was a Thursday.
        Int(UTCMinute.floorMod(epochDays + 4, 7))
    }

    static func isLeapYear(_ year: Int) -> Bool { CivilCalendar.isLeapYear(year) }

    static func daysInMonth(year: Int, month: Int) -> Int { CivilCalendar.daysIn(month: month, year: year) }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { CivilCalendar.floorDivide(a, b) }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

    /// Howard Hinnant's `days_from_civil`.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        Int64(CivilCalendar.days(year: year, month: month, day: day))
    }

    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        CivilCalendar.date(days: Int(days))
    }
}
