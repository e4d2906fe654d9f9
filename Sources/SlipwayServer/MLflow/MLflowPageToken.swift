import Foundation

/// MLflow's opaque `page_token` / `next_page_token`: here the offset of the next page,
/// base64 of `offset:<n>`. A token that does not decode is `INVALID_PARAMETER_VALUE`.
enum MLflowPageToken {
    static func encode(offset: Int) -> String {
        Data("offset:\(offset)".utf8).base64EncodedString()
    }

    static func offset(_ token: String?) throws -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("offset:"), let offset = Int(text.dropFirst("offset:".count)), offset >= 0 else {
            throw MLflowError.invalidParameter("Invalid page token '\(token.prefix(64))'")
        }
        return offset
    }

    /// `max_results` of a request: `defaultValue` when absent, 1…`maximum` otherwise.
    static func maxResults(_ message: MLflowMessage, defaultValue: Int, maximum: Int) throws -> Int {
        guard let value = try message.int64("max_results") else { return defaultValue }
        guard value >= 1, value <= maximum else {
            throw MLflowError.invalidParameter("Invalid value \(value) for parameter 'max_results' supplied. It must be at most \(maximum) and at least 1.")
        }
        return Int(value)
    }
}
