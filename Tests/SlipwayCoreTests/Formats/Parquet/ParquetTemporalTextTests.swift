import Testing

@testable import SlipwayCore

@Suite("Parquet temporal text")
struct ParquetTemporalTextTests {
    @Test func matchesArrowsTextForRandomInstantsOfEveryUnit() {
        var random = ArrowTestSupport.SplitMix(state: 7)
        let units: [(ParquetTimeUnit, ArrowTimeUnit)] = [(.milliseconds, .millisecond), (.microseconds, .microsecond),
                                                         (.nanoseconds, .nanosecond)]
        for _ in 0..<5_000 {
            let value = Int64.random(in: .min ... .max, using: &random) >> Int64.random(in: 0..<40, using: &random)
            for (unit, arrowUnit) in units {
                for utc in [false, true] {
                    let fast = ParquetTemporalText.timestamp(value, unit: unit, utc: utc)
                    #expect(fast == ArrowTemporal.timestampString(value, unit: arrowUnit, utc: utc), "\(value) \(unit)")
                }
            }
            let days = Int64(Int32.random(in: .min ... .max, using: &random))
            #expect(ParquetTemporalText.date(days: days) == ArrowTemporal.dateString(days: days), "\(days) days")
        }
    }

    @Test func knownValues() {
        #expect(ParquetTemporalText.timestamp(0, unit: .nanoseconds, utc: true) == "1970-01-01T00:00:00.000000000Z")
        #expect(ParquetTemporalText.timestamp(-1, unit: .milliseconds, utc: false) == "1969-12-31T23:59:59.999")
        #expect(ParquetTemporalText.timestamp(.min, unit: .nanoseconds, utc: true) == "1677-09-21T00:12:43.145224192Z")
        #expect(ParquetTemporalText.timestamp(.max, unit: .milliseconds, utc: false) == ArrowTemporal.timestampString(.max, unit: .millisecond, utc: false))
        #expect(ParquetTemporalText.date(days: 19_782) == "2024-02-29")
        #expect(ParquetTemporalText.date(days: -719_529) == "-0001-12-31")
        #expect(ParquetTemporalText.timeOfDay(45_296_789, unit: .milliseconds) == "12:34:56.789")
    }
}
