import SlipwayCore
import Synchronization

/// Request ids (`x-request-id`, `request_id` in error bodies, log lines): sixteen base-36
/// characters, eight drawn at random once per process and eight counting requests. They only
/// correlate a call with its logs, so they need to be distinct, not secret, and cost an atomic
/// increment instead of system random draws on every request.
enum RequestIDGenerator {
    private static let prefix = SecretTokens.shortID(length: 8)
    private static let counter = Atomic<UInt64>(0)
    private static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    static func next() -> String {
        var value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var tail = [UInt8](repeating: UInt8(ascii: "0"), count: 8)
        var index = 7
        while value > 0 && index >= 0 {
            tail[index] = digits[Int(value % 36)]
            value /= 36
            index -= 1
        }
        return prefix + String(decoding: tail, as: UTF8.self)
    }
}
