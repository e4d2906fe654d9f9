import Foundation
import Testing

@testable import SlipwayCore

/// Builds a UTC date from components.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Double = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    return date.addingTimeInterval(second)
}

@Suite("CronExpression parsing")
struct CronParsingTests {
    @Test(arguments: [
        "* * * * *", "*/5 * * * *", "0 9 * * 1-5", "0-59/15 0-23 1-31 1-12 0-7", "5,10,15 1,2 1 JAN,jul SUN-sat",
        "  0   0\t1 * *  ", "0 0 * * 7", "5/15 * * * *", "00 09 01 01 *", "0 0 L? * *",
    ])
    func parses(_ text: String) throws {
        if text.contains("?") {
            #expect(throws: ScheduleError.self) { try CronExpression(text) }
        } else {
            _ = try CronExpression(text)
        }
    }

    @Test func normalisesWhitespace() throws {
        #expect(try CronExpression("  0   0\t1 * *  ").expression == "0 0 1 * *")
        #expect(try CronExpression("0 0 1 * *").description == "0 0 1 * *")
    }

    @Test(arguments: [
        ("", "the cron expression is empty"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week) separated by spaces, got 4"),
        ("0 * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week) separated by spaces, got 6"),
        ("60 * * * *", "minute: 60 is out of range 0-59"),
        ("0 24 * * *", "hour: 24 is out of range 0-23"),
        ("0 0 0 * *", "day-of-month: 0 is out of range 1-31"),
        ("0 0 32 * *", "day-of-month: 32 is out of range 1-31"),
        ("0 0 * 13 *", "month: 13 is out of range 1-12"),
        ("0 0 * * 8", "day-of-week: 8 is out of range 0-7"),
        ("0 5-3 * * *", "hour: range 5-3 is reversed (the first value must not be greater than the second)"),
        ("*/0 * * * *", "minute: step 0 is out of range 1-59"),
        ("0 */24 * * *", "hour: step 24 is out of range 1-23"),
        ("*/x * * * *", "minute: step 'x' is not a number"),
        ("0 0 * * MON-", "day-of-week: a range is missing a value"),
        ("0 0 * * FOO", "day-of-week: 'FOO' is not a valid value (use 0-7 or SUN-SAT)"),
        ("0 0 * MON *", "month: 'MON' is not a valid value (use 1-12 or JAN-DEC)"),
        ("0 0 * * JAN", "day-of-week: 'JAN' is not a valid value (use 0-7 or SUN-SAT)"),
        ("1,,2 * * * *", "minute: empty entry in list '1,,2'"),
        ("a * * * *", "minute: 'a' is not a valid value"),
        ("-1 * * * *", "minute: a range is missing a value"),
        ("1-2-3 * * * *", "minute: '2-3' is not a valid value"),
        ("99999999999999999999999 * * * *", "minute: 99999999999999999999999 is out of range 0-59"),
        ("@reboot", "'@reboot' is not supported for scheduled deployments"),
        ("@every", "unknown macro '@every'; supported: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually"),
        ("@daily 1", "expected 5 fields (minute hour day-of-month month day-of-week) separated by spaces, got 2"),
    ])
    func rejects(_ text: String, _ message: String) {
        #expect(throws: ScheduleError(message)) { try CronExpression(text) }
    }

    @Test func macros() throws {
        let pairs = [
            ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@WEEKLY", "0 0 * * 0"),
            ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"),
        ]
        let after = utc(2024, 5, 17, 13, 45)
        for (macro, equivalent) in pairs {
            let a = try CronExpression(macro)
            let b = try CronExpression(equivalent)
            #expect(a.expression == macro)
            #expect(a.nextFires(after: after, count: 5) == b.nextFires(after: after, count: 5), "\(macro)")
            #expect(a.humanReadable == b.humanReadable)
        }
    }

    @Test func codable() throws {
        let cron = try CronExpression("*/5 * * * *")
        let data = try JSONEncoder().encode(["s": cron])
        #expect(String(decoding: data, as: UTF8.self) == #"{"s":"*\/5 * * * *"}"#)
        #expect(try JSONDecoder().decode([String: CronExpression].self, from: data)["s"] == cron)
        let error = #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(CronExpression.self, from: Data(#""61 * * * *""#.utf8))
        }
        if case .dataCorrupted(let context)? = error {
            #expect(context.debugDescription == "minute: 61 is out of range 0-59")
        } else {
            Issue.record("expected dataCorrupted")
        }
    }
}

@Suite("CronExpression matching and next fire")
struct CronNextFireTests {
    private func next(_ cron: String, _ after: Date) throws -> Date? {
        try CronExpression(cron).nextFire(after: after)
    }

    @Test func strictlyAfterAndMinuteAligned() throws {
        #expect(try next("* * * * *", utc(2024, 1, 1, 10, 0)) == utc(2024, 1, 1, 10, 1))
        #expect(try next("* * * * *", utc(2024, 1, 1, 10, 0, 0.5)) == utc(2024, 1, 1, 10, 1))
        #expect(try next("* * * * *", utc(2024, 1, 1, 9, 59, 59.9)) == utc(2024, 1, 1, 10, 0))
        #expect(try next("0 10 * * *", utc(2024, 1, 1, 10, 0)) == utc(2024, 1, 2, 10, 0))
        #expect(try next("*/5 * * * *", utc(2024, 1, 1, 10, 2)) == utc(2024, 1, 1, 10, 5))
        #expect(try next("*/5 * * * *", utc(2024, 1, 1, 23, 57)) == utc(2024, 1, 2, 0, 0))
    }

    @Test func acrossMonthAndYearEnds() throws {
        #expect(try next("0 0 * * *", utc(2023, 12, 31, 12, 0)) == utc(2024, 1, 1))
        #expect(try next("30 23 31 * *", utc(2024, 4, 1)) == utc(2024, 5, 31, 23, 30))  // April has no 31st
        #expect(try next("0 0 31 * *", utc(2024, 1, 31, 0, 0)) == utc(2024, 3, 31))
        #expect(try next("0 0 1 * *", utc(2024, 12, 15)) == utc(2025, 1, 1))
        #expect(try next("0 12 * 3 *", utc(2024, 3, 31, 12, 0)) == utc(2025, 3, 1, 12, 0))
        #expect(try next("0 0 1 1 *", utc(2024, 1, 1)) == utc(2025, 1, 1))
    }

    @Test func leapYears() throws {
        #expect(try next("0 0 29 2 *", utc(2024, 3, 1)) == utc(2028, 2, 29))
        #expect(try next("0 0 29 2 *", utc(2023, 6, 1)) == utc(2024, 2, 29))
        #expect(try next("0 0 29 2 *", utc(2097, 1, 1)) == utc(2104, 2, 29))  // 2100 is not a leap year
        #expect(try next("0 0 29 2 *", utc(2000, 1, 1)) == utc(2000, 2, 29))  // 2000 is
        #expect(try next("0 0 * 2 *", utc(2024, 2, 28, 1)) == utc(2024, 2, 29))
        #expect(try next("0 0 * 2 *", utc(2023, 2, 28, 1)) == utc(2024, 2, 1))
    }

    @Test func impossibleDatesNeverFire() throws {
        #expect(try next("0 0 30 2 *", utc(2024, 1, 1)) == nil)
        #expect(try next("0 0 31 4,6,9,11 *", utc(2024, 1, 1)) == nil)
        #expect(try CronExpression("0 0 30 2 *").nextFires(after: utc(2024, 1, 1), count: 3) == [])
    }

    @Test func dayOfMonthOrDayOfWeek() throws {
        // Both restricted: the 13th OR any Friday.
        let cron = try CronExpression("0 0 13 * 5")
        let fires = cron.nextFires(after: utc(2024, 9, 1), count: 6)
        #expect(fires == [utc(2024, 9, 6), utc(2024, 9, 13), utc(2024, 9, 20), utc(2024, 9, 27), utc(2024, 10, 4), utc(2024, 10, 11)])
        #expect(cron.matches(utc(2024, 10, 13)))  // a Sunday, but the 13th
        #expect(cron.matches(utc(2024, 10, 18)))  // a Friday
        #expect(!cron.matches(utc(2024, 10, 14)))

        // Day-of-week unrestricted: only the 13th.
        #expect(try next("0 0 13 * *", utc(2024, 9, 14)) == utc(2024, 10, 13))
        // Day-of-month unrestricted: only Fridays.
        #expect(try next("0 0 * * FRI", utc(2024, 9, 14)) == utc(2024, 9, 20))
        // A field starting with '*' counts as unrestricted (Vixie): odd days that are Mondays.
        let and = try CronExpression("0 0 */2 * MON")
        #expect(and.nextFires(after: utc(2024, 9, 1), count: 3) == [utc(2024, 9, 9), utc(2024, 9, 23), utc(2024, 10, 7)])
    }

    @Test func sundayIsZeroAndSeven() throws {
        let seven = try CronExpression("0 8 * * 7")
        let zero = try CronExpression("0 8 * * 0")
        let name = try CronExpression("0 8 * * sun")
        let after = utc(2024, 9, 4)
        #expect(seven.nextFire(after: after) == utc(2024, 9, 8, 8))
        #expect(seven.nextFires(after: after, count: 4) == zero.nextFires(after: after, count: 4))
        #expect(name.nextFires(after: after, count: 4) == zero.nextFires(after: after, count: 4))
        #expect(try next("0 8 * * 5-7", utc(2024, 9, 7, 9)) == utc(2024, 9, 8, 8))  // Fri-Sun
    }

    @Test func stepsAndRanges() throws {
        let cron = try CronExpression("10-40/15 9-17/4 * * *")
        #expect(cron.nextFires(after: utc(2024, 1, 1), count: 7) == [
            utc(2024, 1, 1, 9, 10), utc(2024, 1, 1, 9, 25), utc(2024, 1, 1, 9, 40),
            utc(2024, 1, 1, 13, 10), utc(2024, 1, 1, 13, 25), utc(2024, 1, 1, 13, 40),
            utc(2024, 1, 1, 17, 10),
        ])
        #expect(try next("0 0 1 */3 *", utc(2024, 2, 1)) == utc(2024, 4, 1))
        #expect(try next("0 0 1 FEB-APR/2 *", utc(2024, 3, 1)) == utc(2024, 4, 1))
        #expect(try next("5/20 * * * *", utc(2024, 1, 1, 0, 46)) == utc(2024, 1, 1, 1, 5))
        #expect(try next("0 0 * * MON-FRI", utc(2024, 9, 6, 1)) == utc(2024, 9, 9))
    }

    @Test func matchesAgreesWithNextFire() throws {
        // Brute-force cross-check of the skipping search against minute-by-minute matching.
        let expressions = [
            "*/7 */5 * * *", "0 0 13 * 5", "15 3 */2 * MON", "0 12 29 2 *", "59 23 31 * *",
            "0,30 8-18 * * 1-5", "0 0 1 JAN,JUL *", "20-25 1 1-7 * 0", "0 */6 * 1,6,12 *", "0 0 L * *",
        ]
        for text in expressions {
            guard let cron = try? CronExpression(text) else { continue }
            var cursor = utc(2024, 1, 27, 22, 17)
            for _ in 0..<10 {
                guard let fire = cron.nextFire(after: cursor) else {
                    Issue.record("\(text) returned nil")
                    break
                }
                var probe = cursor.addingTimeInterval(60 - cursor.timeIntervalSince1970.truncatingRemainder(dividingBy: 60))
                var budget = 60 * 24 * 40
                while !cron.matches(probe), budget > 0 {
                    probe = probe.addingTimeInterval(60)
                    budget -= 1
                }
                if budget > 0 {
                    #expect(fire == probe, "\(text) after \(cursor)")
                } else {
                    #expect(fire > probe, "\(text) after \(cursor)")  // nothing within 40 days
                    #expect(cron.matches(fire))
                }
                cursor = fire
            }
        }
    }

    @Test func isFastForRareSchedules() throws {
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<100 {
                _ = try CronExpression("0 0 30 2 *").nextFire(after: utc(2024, 1, 1))
                _ = try CronExpression("0 0 29 2 1").nextFire(after: utc(2024, 3, 1))
            }
        }
        #expect(elapsed < .seconds(2))
    }

    @Test func calendarArithmetic() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = UTCMinute.civil(fromDays: days)
            #expect(UTCMinute.days(year: y, month: m, day: d) == days)
        }
        #expect(UTCMinute(epochMinutes: 0).weekday == 4)  // Thursday 1970-01-01
        #expect(UTCMinute(epochMinutes: -1) == UTCMinute(year: 1969, month: 12, day: 31, hour: 23, minute: 59))
    }

    @Test func rejectsAbsurdDates() throws {
        let cron = try CronExpression("* * * * *")
        #expect(cron.nextFire(after: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(!cron.matches(Date(timeIntervalSince1970: .nan)))
    }
}

@Suite("CronExpression.humanReadable")
struct CronDescriptionTests {
    @Test(arguments: [
        ("* * * * *", "Every minute"),
        ("*/5 * * * *", "Every 5 minutes"),
        ("0 9 * * 1-5", "At 09:00, Monday through Friday"),
        ("0 0 1 * *", "At 00:00, on day 1 of the month"),
        ("0 * * * *", "Every hour"),
        ("@hourly", "Every hour"),
        ("@daily", "At 00:00"),
        ("@weekly", "At 00:00, on Sunday"),
        ("@yearly", "At 00:00, on day 1 of the month, in January"),
        ("15 * * * *", "At 15 minutes past the hour"),
        ("1 * * * *", "At 1 minute past the hour"),
        ("0 */2 * * *", "Every 2 hours"),
        ("30 */2 * * *", "At 30 minutes past the hour, every 2 hours"),
        ("0 9-17 * * *", "Every hour from 09:00 through 17:00"),
        ("*/15 9-17 * * *", "Every 15 minutes, between 09:00 and 17:59"),
        ("* 9 * * *", "Every minute, between 09:00 and 09:59"),
        ("0 9,17 * * *", "At 09:00 and 17:00"),
        ("0,30 9 * * *", "At 09:00 and 09:30"),
        ("0,15,30,45 * * * *", "At minutes 0, 15, 30 and 45"),
        ("5/15 * * * *", "Every 15 minutes starting at minute 5"),
        ("10-20 * * * *", "Every minute from minute 10 through 20"),
        ("0 8-23/3 * * *", "Every 3 hours starting at 08:00"),
        ("30 22 * * 0,6", "At 22:30, on Sunday and Saturday"),
        ("0 8 * * 7", "At 08:00, on Sunday"),
        ("0 9 * * MON,WED,FRI", "At 09:00, on Monday, Wednesday and Friday"),
        ("0 0 1,15 * *", "At 00:00, on days 1 and 15 of the month"),
        ("0 0 1-7 * *", "At 00:00, on days 1 through 7 of the month"),
        ("0 0 */2 * *", "At 00:00, on every 2nd day of the month"),
        ("0 0 13 * 5", "At 00:00, on day 13 of the month or on Friday"),
        ("0 0 */2 * 1", "At 00:00, on every 2nd day of the month, if that day is a Monday"),
        ("0 12 29 2 *", "At 12:00, on day 29 of the month, in February"),
        ("0 0 1 */3 *", "At 00:00, on day 1 of the month, in January, April, July and October"),
        ("0 0 * JAN-MAR *", "At 00:00, January through March"),
        ("0 6 * * */2", "At 06:00, on Sunday, Tuesday, Thursday and Saturday"),
        ("0 0 * * 0-7", "At 00:00"),
    ])
    func describes(_ text: String, _ expected: String) throws {
        #expect(try CronExpression(text).humanReadable == expected)
    }

    @Test func complexShapesStillDescribeEveryField() throws {
        let text = try CronExpression("5 0,3,6,9,12,15,18,21 * * *").humanReadable
        #expect(text == "At 5 minutes past the hour, during hours 0, 3, 6, 9, 12, 15, 18 and 21")
        let mixed = try CronExpression("0-10/5,30 1-5/2,12 * * *").humanReadable
        #expect(mixed == "At minutes every 5th from 0 through 10 and 30, during hours every 2nd from 1 through 5 and 12")
    }
}
