import Foundation

/// An error raised while reading an Apache Parquet file.
///
/// `message` is written for the end user (it is returned in a 4xx response body); column names
/// taken from the file are quoted and sanitised, and no path or internal detail is included.
public struct ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable explanation of what is wrong.
    public let message: String

    /// Creates an error with a user-facing message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension ParquetError {
    static func corrupt(_ detail: String) -> ParquetError {
        ParquetError("the Parquet file is corrupted: \(detail)")
    }

    static func truncated(_ what: String) -> ParquetError {
        ParquetError("the Parquet file is truncated: \(what) extends past the end of its range")
    }

    static func unsupported(_ detail: String) -> ParquetError {
        ParquetError("unsupported Parquet file: \(detail)")
    }

    static func limit(_ detail: String) -> ParquetError {
        ParquetError("the Parquet file exceeds a limit: \(detail)")
    }

    /// Quotes a file-supplied name for an error message (control characters escaped, long
    /// names shortened).
    static func quoted(_ name: String) -> String {
        ArchiveError.quoted(name)
    }
}
