/// ISO 8601 text of dates, times and timestamps, written byte by byte into one small buffer:
/// a timestamp column turns every row into text when read as records, and building the text
/// from string pieces costs several microseconds a value. The text is the same as
/// ``ArrowTemporal``'s, which handles the years this fast path does not (before 0 or after 9999).
enum ParquetTemporalText {
    /// `YYYY-MM-DDTHH:MM:SS.fraction`, with the unit's fraction digits, and `Z` when `utc`.
    static func timestamp(_ value: Int64, unit: ParquetTimeUnit, utc: Bool) -> String {
        let perSecond = unit.perSecond
        var seconds = value / perSecond
        var fraction = value % perSecond
        if fraction < 0 {
            seconds -= 1
            fraction += perSecond
        }
        let days = ArrowTemporal.floorDivide(seconds, 86_400)
        let digits = unit == .milliseconds ? 3 : (unit == .microseconds ? 6 : 9)
        return text(days: days, time: (seconds - days * 86_400, fraction, digits), utc: utc)
            ?? ArrowTemporal.timestampString(value, unit: unit.arrowUnit, utc: utc)
    }

    /// `YYYY-MM-DD` of a day number.
    static func date(days: Int64) -> String {
        text(days: days, time: nil, utc: false) ?? ArrowTemporal.dateString(days: days)
    }

    /// `HH:MM:SS.fraction` of a time of day: the time part of the same instant on 1970-01-01.
    static func timeOfDay(_ value: Int64, unit: ParquetTimeUnit) -> String {
        let text = timestamp(value, unit: unit, utc: false)
        guard text.hasPrefix("1970-01-01T") else { return text }
        return String(text.dropFirst(11))
    }

    /// The date of `days`, then the time if given; nil for years outside 0...9999.
    private static func text(days: Int64, time: (secondOfDay: Int64, fraction: Int64, digits: Int)?, utc: Bool) -> String? {
        let (year, month, day) = ArrowTemporal.civil(days: days)
        guard (0...9999).contains(year) else { return nil }
        return String(unsafeUninitializedCapacity: 31) { buffer in
            var at = 0
            func put(_ number: Int64, _ width: Int) {
                var rest = number
                for index in stride(from: at + width - 1, through: at, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                    rest /= 10
                }
                at += width
            }
            func put(_ character: Unicode.Scalar) {
                buffer[at] = UInt8(ascii: character)
                at += 1
            }
            put(year, 4); put("-"); put(month, 2); put("-"); put(day, 2)
            if let time {
                put("T"); put(time.secondOfDay / 3600, 2); put(":"); put(time.secondOfDay / 60 % 60, 2); put(":")
                put(time.secondOfDay % 60, 2); put("."); put(time.fraction, time.digits)
            }
            if utc { put("Z") }
            return at
        }
    }
}
