import Foundation
import Testing

@testable import SlipwayCore

@Suite("SchedulePlan catch-up policy")
struct SchedulePlanTests {
    func plan(_ cron: String, last: Date, now: Date) throws -> SchedulePlan {
        SchedulePlan.plan(cron: try CronExpression(cron), lastScheduled: last, now: now)
    }

    // MARK: - On time and nothing due

    @Test func onTimeFire() throws {
        let last = utc(2024, 5, 1, 12, 0)
        #expect(try plan("*/5 * * * *", last: last, now: utc(2024, 5, 1, 12, 5)) ==
            SchedulePlan(fire: utc(2024, 5, 1, 12, 5), coalesced: 0, nextCheck: utc(2024, 5, 1, 12, 10)))
        // A few seconds late is still on time.
        #expect(try plan("*/5 * * * *", last: last, now: utc(2024, 5, 1, 12, 5, 42)) ==
            SchedulePlan(fire: utc(2024, 5, 1, 12, 5), coalesced: 0, nextCheck: utc(2024, 5, 1, 12, 10)))
    }

    @Test func nothingDue() throws {
        let last = utc(2024, 5, 1, 12, 0)
        #expect(try plan("*/5 * * * *", last: last, now: utc(2024, 5, 1, 12, 4, 59.9)) ==
            SchedulePlan(fire: nil, coalesced: 0, nextCheck: utc(2024, 5, 1, 12, 5)))
        #expect(try plan("*/5 * * * *", last: last, now: last) ==
            SchedulePlan(fire: nil, coalesced: 0, nextCheck: utc(2024, 5, 1, 12, 5)), "the last slot never fires twice")
        // A clock that went backwards fires nothing.
        #expect(try plan("*/5 * * * *", last: last, now: utc(2024, 5, 1, 11, 0)).fire == nil)
    }

    @Test func lastScheduledNeedNotBeAWholeMinute() throws {
        #expect(try plan("* * * * *", last: utc(2024, 5, 1, 12, 0, 30), now: utc(2024, 5, 1, 12, 1)) ==
            SchedulePlan(fire: utc(2024, 5, 1, 12, 1), coalesced: 0, nextCheck: utc(2024, 5, 1, 12, 2)))
    }

    @Test func scheduleThatNeverFires() throws {
        #expect(try plan("0 0 30 2 *", last: utc(2024, 1, 1), now: utc(2030, 1, 1)) ==
            SchedulePlan(fire: nil, coalesced: 0, nextCheck: nil))
    }

    // MARK: - Coalescing after an outage

    @Test func missedFiresAreCoalescedIntoTheNewest() throws {
        // 12:05 … 13:00 were missed: twelve slots, one run.
        #expect(try plan("*/5 * * * *", last: utc(2024, 5, 1, 12, 0), now: utc(2024, 5, 1, 13, 2)) ==
            SchedulePlan(fire: utc(2024, 5, 1, 13, 0), coalesced: 11, nextCheck: utc(2024, 5, 1, 13, 5)))
        // Three days of an hourly schedule.
        #expect(try plan("0 * * * *", last: utc(2024, 3, 1), now: utc(2024, 3, 4, 0, 30)) ==
            SchedulePlan(fire: utc(2024, 3, 4), coalesced: 71, nextCheck: utc(2024, 3, 4, 1, 0)))
        // Exactly on the newest slot.
        #expect(try plan("0 * * * *", last: utc(2024, 3, 1), now: utc(2024, 3, 1, 3, 0)) ==
            SchedulePlan(fire: utc(2024, 3, 1, 3, 0), coalesced: 2, nextCheck: utc(2024, 3, 1, 4, 0)))
    }

    @Test func everyMinuteAfterAVeryLongOutage() throws {
        // Far more than `maxCounted` slots: the count is capped, the fire is still the newest slot.
        let result = try plan("* * * * *", last: utc(2024, 1, 1), now: utc(2024, 3, 1, 10, 30, 15))
        #expect(result == SchedulePlan(fire: utc(2024, 3, 1, 10, 30), coalesced: SchedulePlan.maxCounted - 1,
                                       nextCheck: utc(2024, 3, 1, 10, 31)))
    }

    @Test func exactlyMaxCountedSlots() throws {
        let last = utc(2024, 1, 1)
        let now = last.addingTimeInterval(TimeInterval(SchedulePlan.maxCounted) * 60)
        #expect(try plan("* * * * *", last: last, now: now) ==
            SchedulePlan(fire: now, coalesced: SchedulePlan.maxCounted - 1, nextCheck: now.addingTimeInterval(60)))
        let oneMore = try plan("* * * * *", last: last, now: now.addingTimeInterval(60))
        #expect(oneMore.fire == now.addingTimeInterval(60))
        #expect(oneMore.coalesced == SchedulePlan.maxCounted - 1)
    }

    /// Regression: after a long outage, when the current minute is not itself a slot, the plan
    /// used to fire the 10 000th missed slot (weeks old) with a `nextCheck` in the past, so the
    /// scheduler fired again and again instead of once.
    @Test func longOutageWhenTheCurrentMinuteIsNotASlot() throws {
        let everyTwo = try plan("*/2 * * * *", last: utc(2024, 1, 1), now: utc(2024, 2, 1, 0, 1, 30))
        #expect(everyTwo == SchedulePlan(fire: utc(2024, 2, 1), coalesced: SchedulePlan.maxCounted - 1,
                                         nextCheck: utc(2024, 2, 1, 0, 2)))

        // Bursts separated by long gaps: every minute of hour 0, checked at noon.
        let bursts = try plan("* 0 * * *", last: utc(2024, 1, 1), now: utc(2024, 12, 31, 12, 0))
        #expect(bursts == SchedulePlan(fire: utc(2024, 12, 31, 0, 59), coalesced: SchedulePlan.maxCounted - 1,
                                       nextCheck: utc(2025, 1, 1, 0, 0)))
    }

    @Test(arguments: [
        ("* * * * *", 8.0), ("*/2 * * * *", 40.0), ("*/7 * * * *", 90.0), ("15,45 * * * *", 400.0),
        ("* 0 * * *", 400.0), ("0 9 * * MON-FRI", 800.0), ("59 23 * * *", 30.0), ("0 0 1 * *", 1000.0),
        ("* * 29 2 *", 3000.0), ("*/3 1-2 * * SUN", 1500.0),
    ])
    func firingOnceCatchesUpCompletely(_ expression: String, _ outageDays: Double) throws {
        let cron = try CronExpression(expression)
        let last = utc(2023, 6, 15, 8, 7)
        for extraMinutes in [0.0, 1, 13, 59, 61, 721] {
            let now = last.addingTimeInterval(outageDays * 86_400 + extraMinutes * 60 + 17)
            let result = SchedulePlan.plan(cron: cron, lastScheduled: last, now: now)
            guard let fire = result.fire else {
                // Only possible if no slot at all fell in the outage.
                #expect(cron.nextFire(after: last).map { $0 > now } ?? true, "\(expression)")
                continue
            }
            #expect(fire > last && fire <= now, "\(expression)")
            #expect(cron.matches(fire), "\(expression): \(fire) is not a slot")
            #expect(fire.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0)
            #expect(result.coalesced >= 0 && result.coalesced < SchedulePlan.maxCounted)
            let next = try #require(result.nextCheck)
            #expect(next > now, "\(expression) +\(extraMinutes)m: the fired slot must be the newest due one")
            #expect(next == cron.nextFire(after: fire))
            // What the scheduler does next: the slot is recorded, nothing more is due.
            let after = SchedulePlan.plan(cron: cron, lastScheduled: fire, now: now)
            #expect(after == SchedulePlan(fire: nil, coalesced: 0, nextCheck: next), "\(expression)")
        }
    }

    // MARK: - Calendar edge cases (via CronExpression)

    @Test func dayThirtyOneSkipsShortMonths() throws {
        let cron = "0 0 31 * *"
        // February and April have no 31st: nothing is due, nothing counted.
        #expect(try plan(cron, last: utc(2024, 1, 31), now: utc(2024, 3, 30, 23, 59)) ==
            SchedulePlan(fire: nil, coalesced: 0, nextCheck: utc(2024, 3, 31)))
        #expect(try plan(cron, last: utc(2024, 1, 31), now: utc(2024, 5, 1)) ==
            SchedulePlan(fire: utc(2024, 3, 31), coalesced: 0, nextCheck: utc(2024, 5, 31)))
        #expect(try plan(cron, last: utc(2024, 1, 31), now: utc(2025, 1, 1)) ==
            SchedulePlan(fire: utc(2024, 12, 31), coalesced: 5, nextCheck: utc(2025, 1, 31)),
                "six slots: Mar, May, Jul, Aug, Oct, Dec 2024")
    }

    @Test func leapDay() throws {
        #expect(try plan("0 12 29 2 *", last: utc(2020, 2, 29, 12), now: utc(2025, 1, 1)) ==
            SchedulePlan(fire: utc(2024, 2, 29, 12), coalesced: 0, nextCheck: utc(2028, 2, 29, 12)))
        #expect(try plan("0 12 29 2 *", last: utc(2020, 2, 29, 12), now: utc(2024, 2, 28, 23, 59)) ==
            SchedulePlan(fire: nil, coalesced: 0, nextCheck: utc(2024, 2, 29, 12)))
    }

    @Test func endOfMonthAndYear() throws {
        #expect(try plan("@yearly", last: utc(2022, 1, 1), now: utc(2024, 6, 1)) ==
            SchedulePlan(fire: utc(2024, 1, 1), coalesced: 1, nextCheck: utc(2025, 1, 1)))
        #expect(try plan("@monthly", last: utc(2023, 12, 1), now: utc(2024, 1, 1)) ==
            SchedulePlan(fire: utc(2024, 1, 1), coalesced: 0, nextCheck: utc(2024, 2, 1)))
        #expect(try plan("59 23 * * *", last: utc(2023, 12, 30, 23, 59), now: utc(2024, 1, 1, 0, 0)) ==
            SchedulePlan(fire: utc(2023, 12, 31, 23, 59), coalesced: 0, nextCheck: utc(2024, 1, 1, 23, 59)))
    }

    @Test func weekdaysOnly() throws {
        let cron = "30 9 * * MON-FRI"
        // 2024-05-17 is a Friday: the weekend is not "missed".
        #expect(try plan(cron, last: utc(2024, 5, 17, 9, 30), now: utc(2024, 5, 20, 9, 29)) ==
            SchedulePlan(fire: nil, coalesced: 0, nextCheck: utc(2024, 5, 20, 9, 30)))
        #expect(try plan(cron, last: utc(2024, 5, 17, 9, 30), now: utc(2024, 5, 21, 10, 0)) ==
            SchedulePlan(fire: utc(2024, 5, 21, 9, 30), coalesced: 1, nextCheck: utc(2024, 5, 22, 9, 30)))
        // Sunday as 0 and as 7.
        for sunday in ["0 8 * * 0", "0 8 * * 7", "0 8 * * SUN"] {
            #expect(try plan(sunday, last: utc(2024, 5, 12, 8), now: utc(2024, 5, 26, 9)) ==
                SchedulePlan(fire: utc(2024, 5, 26, 8), coalesced: 1, nextCheck: utc(2024, 6, 2, 8)), "\(sunday)")
        }
    }

    @Test func dayOfMonthOrDayOfWeek() throws {
        // Vixie cron: both restricted, either matches. 2024-09-01 is a Sunday; Fridays are 6, 13, 20.
        #expect(try plan("0 0 13 * FRI", last: utc(2024, 9, 1), now: utc(2024, 9, 14)) ==
            SchedulePlan(fire: utc(2024, 9, 13), coalesced: 1, nextCheck: utc(2024, 9, 20)))
        // Day-of-month a star: only the weekday counts.
        #expect(try plan("0 0 * * FRI", last: utc(2024, 9, 1), now: utc(2024, 9, 14)) ==
            SchedulePlan(fire: utc(2024, 9, 13), coalesced: 1, nextCheck: utc(2024, 9, 20)))
    }

    @Test func monthRestrictions() throws {
        // Quarterly on the 1st at 06:00; a whole year missed.
        #expect(try plan("0 6 1 JAN,APR,JUL,OCT *", last: utc(2023, 1, 1, 6), now: utc(2024, 1, 1, 5, 59)) ==
            SchedulePlan(fire: utc(2023, 10, 1, 6), coalesced: 2, nextCheck: utc(2024, 1, 1, 6)))
    }

    // MARK: - UTC, no daylight saving

    @Test func daylightSavingDaysAreOrdinaryUTCDays() throws {
        // 02:30 does not exist in Paris on 2024-03-31 nor in New York on 2024-03-10; 01:30 happens twice
        // on 2024-10-27 in Paris and on 2024-11-03 in New York. In UTC every day has exactly one slot.
        for (day, month) in [(10, 3), (31, 3), (27, 10), (3, 11)] {
            for expression in ["30 2 * * *", "30 1 * * *"] {
                let hour = expression.hasPrefix("30 2") ? 2 : 1
                let previous = utc(2024, month, day, hour, 30).addingTimeInterval(-86_400)
                let result = try plan(expression, last: previous, now: utc(2024, month, day, 12, 0))
                #expect(result.fire == utc(2024, month, day, hour, 30), "\(expression) on \(month)/\(day)")
                #expect(result.coalesced == 0)
                #expect(result.nextCheck.map { $0.timeIntervalSince(result.fire!) } == 86_400)
            }
        }
        // Over a whole year, consecutive daily slots are exactly 24 h apart.
        let year = try plan("30 2 * * *", last: utc(2023, 12, 31, 2, 30), now: utc(2024, 12, 31, 2, 30))
        #expect(year == SchedulePlan(fire: utc(2024, 12, 31, 2, 30), coalesced: 365, nextCheck: utc(2025, 1, 1, 2, 30)))
    }
}
