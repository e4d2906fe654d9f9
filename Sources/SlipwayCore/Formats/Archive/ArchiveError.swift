import Foundation

/// An error raised while reading or validating an uploaded archive.
///
/// `message` is written for the end user (it is returned in a 4xx response body) and never
/// contains anything but what the archive itself said, quoted and sanitised.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable explanation of what is wrong with the archive.
    public let message: String
    /// True when the archive was rejected because it exceeds a size or count limit
    /// (callers may map this to "413 Payload Too Large").
    public let exceedsLimit: Bool

    /// Creates an error with a user-facing message.
    public init(_ message: String, exceedsLimit: Bool = false) {
        self.message = message
        self.exceedsLimit = exceedsLimit
    }

    public var description: String { message }
}

extension ArchiveError {
    // MARK: Structure

    static func corruptHeader(offset: Int64, first: Bool) -> ArchiveError {
        if first {
            return ArchiveError("the upload is not a valid tar archive (header checksum mismatch at the start of the file)")
        }
        return ArchiveError("the tar archive is corrupted: header checksum mismatch at byte offset \(offset)")
    }

    static func invalidHeaderField(_ field: String, offset: Int64) -> ArchiveError {
        ArchiveError("the tar archive is corrupted: invalid \(field) field in the header at byte offset \(offset)")
    }

    static let truncated = ArchiveError("the tar archive is truncated: it ended in the middle of an entry")

    static let danglingExtendedHeader = ArchiveError(
        "the tar archive is corrupted: it ends with an extended header that is not followed by an entry")

    static func malformedPAX(offset: Int64) -> ArchiveError {
        ArchiveError("the tar archive is corrupted: malformed PAX extended header at byte offset \(offset)")
    }

    static func extendedHeaderTooLarge(limit: Int) -> ArchiveError {
        ArchiveError("the tar archive contains an extended header larger than \(limit) bytes", exceedsLimit: true)
    }

    static func tooManyExtendedHeaders(limit: Int) -> ArchiveError {
        ArchiveError("the tar archive contains more than \(limit) consecutive extended headers")
    }

    static func invalidUTF8(offset: Int64) -> ArchiveError {
        ArchiveError("the tar archive contains an entry name that is not valid UTF-8 (header at byte offset \(offset))")
    }

    // MARK: Paths

    static func emptyName() -> ArchiveError {
        ArchiveError("the archive contains an entry with an empty name")
    }

    public static func invalidName(_ name: String, _ reason: String) -> ArchiveError {
        ArchiveError("archive entry \(quoted(name)) \(reason)")
    }

    // MARK: Policy

    public static func tooManyEntries(limit: Int) -> ArchiveError {
        ArchiveError("the archive contains more than \(limit) entries", exceedsLimit: true)
    }

    public static func tooLarge(limit: Int64, at name: String) -> ArchiveError {
        ArchiveError(
            "the archive's contents exceed the limit of \(formatBytes(limit)) when uncompressed (reached at \(quoted(name)))",
            exceedsLimit: true)
    }

    static func unsupportedKind(_ name: String, _ kind: TarEntryKind) -> ArchiveError {
        ArchiveError("archive entry \(quoted(name)) is a \(kind); only regular files, directories and links are allowed")
    }

    // MARK: Display helpers

    /// Quotes an archive-supplied name for an error message: control characters are escaped
    /// and very long names are shortened, so the message stays readable and safe to echo.
    static func quoted(_ name: String) -> String {
        var out = ""
        var count = 0
        for scalar in name.unicodeScalars {
            if count >= 200 {
                out += "…"
                break
            }
            switch scalar {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value):
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return "'\(out)'"
    }

    static func formatBytes(_ bytes: Int64) -> String {
        let mib = Int64(1024 * 1024)
        if bytes >= mib, bytes % mib == 0 { return "\(bytes / mib) MB" }
        if bytes >= 1024, bytes % 1024 == 0 { return "\(bytes / 1024) KB" }
        return "\(bytes) bytes"
    }
}
