import Foundation

/// A position in a time-ordered list of inference records: just after (or, newest first, just
/// before) the record with this time and id. Shown to callers as an opaque ``token``.
public struct InferenceCursor: Sendable, Hashable, CustomStringConvertible {
    public var time: Date
    public var recordID: String

    public init(time: Date, recordID: String) {
        self.time = time
        self.recordID = recordID
    }

    /// The position of `record`; the next page starts with the record that follows it.
    public init(after record: InferenceRecord) {
        self.init(time: record.time, recordID: record.id)
    }

    /// URL-safe base64 of `1:<bits of the time, hex>:<record id>`: exact to the last bit of the
    /// time, so paging never repeats or skips a record.
    public var token: String {
        let text = "1:" + String(time.timeIntervalSince1970.bitPattern, radix: 16) + ":" + recordID
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init(token: String) throws(SlipwayError) {
        let invalid = SlipwayError.badRequest("the paging cursor is invalid")
        guard token.utf8.count <= 1024 else { throw invalid }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw invalid }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "1", let bits = UInt64(parts[1], radix: 16), !parts[2].isEmpty else {
            throw invalid
        }
        let seconds = Double(bitPattern: bits)
        guard seconds.isFinite else { throw invalid }
        self.init(time: Date(timeIntervalSince1970: seconds), recordID: String(parts[2]))
    }

    public var description: String { token }
}
