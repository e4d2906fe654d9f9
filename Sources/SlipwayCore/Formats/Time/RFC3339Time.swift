import Foundation

/// RFC 3339 date-times (`2024-03-01T10:00:00Z`, `…T10:00:00.123456+02:00`, `t`/space for `T`,
/// `z` for `Z`, offsets with or without the colon) read by hand: `ISO8601DateFormatter` builds
/// an ICU formatter per call, which cost more than everything else of ingesting a record.
/// A zone (`Z` or an offset) is required, as with `ISO8601DateFormatter`'s internet date-time;
/// `date(assumingUTC:)` reads a time without one as UTC. Times are written the same way, in UTC.
public enum RFC3339Time {
    public static func date(from text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// A time with a zone, or without one (as Python's naive `isoformat()` writes), read as UTC.
    public static func date(assumingUTC text: String) -> Date? {
        date(from: text) ?? date(from: text + "Z")
    }

    /// `2026-01-31T12:00:00Z`, or with `fractionDigits` (at most 9) digits of the second,
    /// truncated: `2026-01-31T12:00:00.250Z`.
    public static func string(from date: Date, fractionDigits: Int = 0) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let seconds = Int(whole)
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(days: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        let digits = min(max(fractionDigits, 0), 9)
        if digits > 0 {
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            let fraction = min(Int(((interval - whole) * scale).rounded(.down)), Int(scale) - 1)
            text += "." + pad(fraction, digits)
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ choices: UInt8...) -> Bool {
            guard index < bytes.count, choices.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2),
              expect(84, 116, 32), let hour = digits(2), expect(58), let minute = digits(2), expect(58),
              let second = digits(2) else { return nil }
        guard (1...12).contains(month), (1...CivilCalendar.daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
              second <= 60 else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1, any = false
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
                any = true
            }
            guard any else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case 90, 122:
            index += 1
        case 43, 45:
            let sign = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let hours = digits(2) else { return nil }
            _ = expect(58)
            guard let minutes = digits(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
        return Date(timeIntervalSince1970: seconds + fraction)
    }
}
