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

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

    /// Howard Hinnant's `days_from_civil`.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Howard Hinnant's `civil_from_days`.
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
