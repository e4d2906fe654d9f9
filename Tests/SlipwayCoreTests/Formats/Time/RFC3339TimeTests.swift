import Foundation
import Testing

@testable import SlipwayCore

/// The hand-written RFC 3339 reader agrees with Foundation's `ISO8601DateFormatter` (internet
/// date-time, with and without fractional seconds) and refuses what is not a zoned date-time.
@Suite("RFC3339Time")
struct RFC3339TimeTests {
    static func foundation(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    @Test(arguments: ["2024-03-01T10:00:00Z", "2022-10-04T10:00:00.5Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59+01:00",
                      "2023-01-01T00:00:00-05:00", "1999-12-31T18:30:15.123Z", "2100-03-01T00:00:00Z", "1900-02-28T12:00:00Z",
                      "1969-07-20T20:17:40-04:00", "2038-01-19T03:14:07.999Z"])
    func agreesWithFoundation(_ text: String) throws {
        let ours = try #require(RFC3339Time.date(from: text))
        let theirs = try #require(Self.foundation(text))
        #expect(abs(ours.timeIntervalSince1970 - theirs.timeIntervalSince1970) < 1e-3, "\(text)")
    }

    @Test func readsFractionsOffsetsAndSpellings() {
        #expect(RFC3339Time.date(from: "2024-03-01T10:00:00.123456Z")?.timeIntervalSince1970 == 1_709_287_200.123456)
        #expect(RFC3339Time.date(from: "2024-03-01 10:00:00z") == RFC3339Time.date(from: "2024-03-01T10:00:00Z"))
        #expect(RFC3339Time.date(from: "2024-03-01T12:30:00+0230") == RFC3339Time.date(from: "2024-03-01T10:00:00Z"))
        #expect(RFC3339Time.date(from: "2024-03-01t10:00:00Z")?.timeIntervalSince1970 == 1_709_287_200)
    }

    @Test(arguments: ["", "2024-03-01", "2024-03-01T10:00:00", "2024-13-01T10:00:00Z", "2023-02-29T10:00:00Z",
                      "2024-03-01T24:00:00Z", "2024-03-01T10:60:00Z", "2024-03-01T10:00:00.Z", "2024-03-01T10:00:00Zjunk",
                      "24-03-01T10:00:00Z", "2024-03-01T10:00:00+25:00", "2024/03/01T10:00:00Z", "２０２４-03-01T10:00:00Z"])
    func refusesWhatIsNotAZonedDateTime(_ text: String) {
        #expect(RFC3339Time.date(from: text) == nil, "\(text)")
    }

    @Test func writesWhatFoundationWrites() {
        let seconds = ISO8601DateFormatter()
        seconds.formatOptions = [.withInternetDateTime]
        let millis = ISO8601DateFormatter()
        millis.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        var instants: [TimeInterval] = [0, -1, 951_868_799, 4_102_444_800, -2_208_988_800.5, 1_709_287_200.25]
        for _ in 0..<500 { instants.append(Double(Int64.random(in: -4_000_000_000...8_000_000_000, using: &generator))) }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(RFC3339Time.string(from: date) == seconds.string(from: date), "\(instant)")
            if instant == instant.rounded() || instant == 1_709_287_200.25 || instant == -2_208_988_800.5 {
                #expect(RFC3339Time.string(from: date, fractionDigits: 3) == millis.string(from: date), "\(instant)")
            }
            #expect(RFC3339Time.date(from: RFC3339Time.string(from: date)) == Date(timeIntervalSince1970: instant.rounded(.down)))
        }
        #expect(RFC3339Time.string(from: Date(timeIntervalSince1970: 1_709_287_200.5), fractionDigits: 9) == "2024-03-01T10:00:00.500000000Z")
        #expect(RFC3339Time.string(from: Date(timeIntervalSince1970: 1_709_287_200.25), fractionDigits: 6)
            == "2024-03-01T10:00:00.250000Z")
    }

    @Test func readsZonelessTimesAsUTCOnlyWhenAsked() {
        #expect(RFC3339Time.date(from: "2024-03-01T10:00:00.5") == nil)
        #expect(RFC3339Time.date(assumingUTC: "2024-03-01T10:00:00.5")?.timeIntervalSince1970 == 1_709_287_200.5)
        #expect(RFC3339Time.date(assumingUTC: "2024-03-01T12:00:00+02:00")?.timeIntervalSince1970 == 1_709_287_200)
        #expect(RFC3339Time.date(assumingUTC: "2024-03-01") == nil)
    }
}
