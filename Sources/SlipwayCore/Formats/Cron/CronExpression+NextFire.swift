import Foundation

extension CronExpression {
    /// How far ``nextFire(after:)`` searches: eight years, enough to reach the next
    /// 29 February even across a non-leap century year such as 2100.
    public static let searchHorizonYears = 8

    /// The first instant strictly after `date` at which the schedule fires (UTC, whole minute),
    /// or nil if it never fires within ``searchHorizonYears`` (e.g. `0 0 30 2 *`).
    ///
    /// The search skips whole months, days and hours that cannot match, so it is cheap even
    /// for rare schedules.
    public func nextFire(after date: Date) -> Date? {
        guard let start = CronExpression.epochMinutes(date) else { return nil }
        var t = UTCMinute(epochMinutes: start + 1)
        let lastYear = t.year + CronExpression.searchHorizonYears

        while t.year <= lastYear {
            if !month.contains(t.month) {
                if let next = month.next(atOrAfter: t.month + 1) {
                    t = UTCMinute(year: t.year, month: next, day: 1, hour: 0, minute: 0)
                } else {
                    t = UTCMinute(year: t.year + 1, month: month.next(atOrAfter: 1)!, day: 1, hour: 0, minute: 0)
                }
                continue
            }
            if t.day > UTCMinute.daysInMonth(year: t.year, month: t.month) {
                t = t.month == 12
                    ? UTCMinute(year: t.year + 1, month: 1, day: 1, hour: 0, minute: 0)
                    : UTCMinute(year: t.year, month: t.month + 1, day: 1, hour: 0, minute: 0)
                continue
            }
            if !dayMatches(t) {
                t = UTCMinute(year: t.year, month: t.month, day: t.day + 1, hour: 0, minute: 0)
                continue
            }
            guard let nextHour = hour.next(atOrAfter: t.hour) else {
                t = UTCMinute(year: t.year, month: t.month, day: t.day + 1, hour: 0, minute: 0)
                continue
            }
            if nextHour != t.hour {
                t.hour = nextHour
                t.minute = 0
            }
            guard let nextMinute = minute.next(atOrAfter: t.minute) else {
                if t.hour == 23 {
                    t = UTCMinute(year: t.year, month: t.month, day: t.day + 1, hour: 0, minute: 0)
                } else {
                    t.hour += 1
                    t.minute = 0
                }
                continue
            }
            t.minute = nextMinute
            return Date(timeIntervalSince1970: TimeInterval(t.epochMinutes * 60))
        }
        return nil
    }

    /// The next `count` fire times strictly after `date` (fewer if the schedule runs out).
    public func nextFires(after date: Date, count: Int) -> [Date] {
        var result: [Date] = []
        var cursor = date
        while result.count < count, let next = nextFire(after: cursor) {
            result.append(next)
            cursor = next
        }
        return result
    }
}
