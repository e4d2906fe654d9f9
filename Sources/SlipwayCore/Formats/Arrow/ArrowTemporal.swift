import Foundation

/// Conversions between Arrow's temporal values (days or units since the Unix epoch, UTC) and
/// ISO 8601 text, in the proleptic Gregorian calendar, without Foundation's formatters (which
/// are slow and limited to a smaller range of years). Civil-date arithmetic follows Howard
/// Hinnant's `days_from_civil` / `civil_from_days` algorithms.
enum ArrowTemporal {
    /// `YYYY-MM-DD` of a day number.
    static func dateString(days: Int64) -> String {
        let (year, month, day) = civil(days: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]` of a timestamp, with as many fraction digits as the unit
    /// has (none, 3, 6 or 9), and a `Z` suffix when `utc` (zone-aware timestamps are shown in UTC).
    static func timestampString(_ value: Int64, unit: ArrowTimeUnit, utc: Bool) -> String {
        let perSecond = unit.perSecond
        // Truncating division then a correction, so that no intermediate overflows at Int64.min.
        var seconds = value / perSecond
        var fraction = value % perSecond
        if fraction < 0 {
            seconds -= 1
            fraction += perSecond
        }
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        var text = dateString(days: days) + "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2)
            + ":" + pad(secondOfDay % 60, 2)
        let digits = [0, 3, 6, 9][Int(unit.rawValue)]
        if digits > 0 { text += "." + pad(fraction, digits) }
        return utc ? text + "Z" : text
    }

    /// Parses `YYYY-MM-DD` into a day number.
    static func parseDate(_ text: String) -> Int64? {
        var scanner = Scanner(Array(text.utf8))
        guard let days = scanner.date(), scanner.atEnd else { return nil }
        return days
    }

    /// Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|±HH[:]MM]` into a value in `unit`
    /// (fraction digits beyond the unit are dropped; no offset means UTC). Nil if malformed or
    /// out of the Int64 range.
    static func parseTimestamp(_ text: String, unit: ArrowTimeUnit) -> Int64? {
        var scanner = Scanner(Array(text.utf8))
        guard let days = scanner.date() else { return nil }
        var seconds: Int64 = 0
        var nanoseconds: Int64 = 0
        if scanner.take("T") || scanner.take(" ") {
            guard let hour = scanner.digits(2), scanner.take(":"), let minute = scanner.digits(2),
                  hour < 24, minute < 60 else { return nil }
            seconds = hour * 3600 + minute * 60
            if scanner.take(":") {
                guard let second = scanner.digits(2), second < 61 else { return nil }
                seconds += second
                if scanner.take(".") {
                    var count = 0
                    while let digit = scanner.digit() {
                        if count < 9 { nanoseconds = nanoseconds * 10 + digit }
                        count += 1
                    }
                    guard count > 0 else { return nil }
                    for _ in min(count, 9)..<9 { nanoseconds *= 10 }
                }
            }
            if scanner.take("Z") {
            } else if let sign: Int64 = scanner.take("+") ? 1 : (scanner.take("-") ? -1 : nil) {
                guard let hours = scanner.digits(2) else { return nil }
                _ = scanner.take(":")
                guard let minutes = scanner.digits(2), hours < 24, minutes < 60 else { return nil }
                seconds -= sign * (hours * 3600 + minutes * 60)
            }
        }
        guard scanner.atEnd else { return nil }
        let (daySeconds, overflow1) = days.multipliedReportingOverflow(by: 86_400)
        let (total, overflow2) = daySeconds.addingReportingOverflow(seconds)
        let (scaled, overflow3) = total.multipliedReportingOverflow(by: unit.perSecond)
        let (value, overflow4) = scaled.addingReportingOverflow(nanoseconds / (1_000_000_000 / unit.perSecond))
        guard !(overflow1 || overflow2 || overflow3 || overflow4) else { return nil }
        return value
    }

    // MARK: Calendar

    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let date = CivilCalendar.date(days: Int(days))
        return (Int64(date.year), Int64(date.month), Int64(date.day))
    }

    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(CivilCalendar.days(year: Int(year), month: Int(month), day: Int(day)))
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 { CivilCalendar.floorDivide(value, divisor) }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    /// A cursor over ASCII text.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int64? {
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
            defer { index += 1 }
            return Int64(bytes[index] - UInt8(ascii: "0"))
        }

        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        /// `[-]YYYY-MM-DD` (four or more year digits) as a day number, checking the day exists.
        mutating func date() -> Int64? {
            let negative = take("-")
            var year: Int64 = 0
            var count = 0
            while let digit = digit() {
                guard count < 12 else { return nil }
                year = year * 10 + digit
                count += 1
            }
            guard count >= 4, take("-"), let month = digits(2), take("-"), let day = digits(2) else { return nil }
            if negative { year = -year }
            guard (1...12).contains(month), day >= 1 else { return nil }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard day <= lengths[Int(month - 1)] else { return nil }
            return ArrowTemporal.days(year: year, month: month, day: day)
        }
    }
}
