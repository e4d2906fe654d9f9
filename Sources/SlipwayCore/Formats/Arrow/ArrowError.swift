import Foundation

/// An error raised while reading, writing or converting Apache Arrow data.
///
/// `message` is written for the end user (it is returned in a 4xx response body); names taken
/// from the input are quoted and sanitised.
public struct ArrowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable explanation of what is wrong.
    public let message: String

    /// Creates an error with a user-facing message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension ArrowError {
    static func corrupt(_ detail: String) -> ArrowError {
        ArrowError("the Arrow data is corrupted: \(detail)")
    }

    static func truncated(_ what: String) -> ArrowError {
        ArrowError("the Arrow data is truncated: \(what) extends past the end of the input")
    }

    static func unsupported(_ detail: String) -> ArrowError {
        ArrowError("unsupported Arrow data: \(detail)")
    }

    /// Quotes an input-supplied name for an error message (control characters escaped, long
    /// names shortened).
    static func quoted(_ name: String) -> String {
        ArchiveError.quoted(name)
    }
}
