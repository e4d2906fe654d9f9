import Foundation

/// Timestamps as the Wallaroo API writes them.
enum WallarooTimestamp {
    /// Entity times: ISO-8601 in UTC with microseconds and an explicit offset,
    /// `2023-05-17T20:36:36.312003+00:00` (Python's `datetime.isoformat()` of an aware time).
    static func entity(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    /// Kubernetes CRI log times: RFC 3339 in UTC with nanoseconds and `Z`,
    /// `2023-05-22T21:09:17.683428502Z` (the clock gives microseconds; the rest are zeros).
    static func logLine(_ date: Date) -> String {
        let text = entity(date)
        return String(text.dropLast("+00:00".count)) + "000Z"
    }

    /// Keycloak times (`createdTimestamp`): integer milliseconds since 1970.
    static func milliseconds(_ date: Date) -> Double {
        (date.timeIntervalSince1970 * 1000).rounded(.down)
    }
}
