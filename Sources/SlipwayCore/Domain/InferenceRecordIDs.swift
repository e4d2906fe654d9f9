import Foundation

/// Record ids for one call's inferences that sort in arrival order: records with equal times
/// are listed (oldest first) in the order they were received, since queries order by
/// (time, id). The id is the call's time in base-36 microseconds, six random characters that
/// keep concurrent calls apart, and the record's index in the call.
public struct InferenceRecordIDs: Sendable {
    public let prefix: String

    public init(at time: Date) {
        let micros = UInt64(max(0, time.timeIntervalSince1970 * 1_000_000))
        var digits = String(micros, radix: 36)
        if digits.count < 10 { digits = String(repeating: "0", count: 10 - digits.count) + digits }
        prefix = digits + SecretTokens.shortID(length: 6)
    }

    /// The id of the record at `index` in the call.
    public func id(at index: Int) -> String {
        let text = String(index)
        return prefix + (text.count >= 6 ? text : String(repeating: "0", count: 6 - text.count) + text)
    }
}
