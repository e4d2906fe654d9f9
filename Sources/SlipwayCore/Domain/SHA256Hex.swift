import Foundation

/// A SHA-256 digest as 64 lowercase hexadecimal digits. Upper-case input is accepted and
/// normalised, so two spellings of one digest compare equal.
public struct SHA256Hex: ValidatedString {
    public let value: String

    public init(_ text: String) throws(SlipwayError) {
        let lowered = text.lowercased()
        guard lowered.utf8.count == 64,
              lowered.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                  || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        else {
            throw .badRequest("'\(NameRules.printable(text))' is not a SHA-256 digest: expected 64 hexadecimal digits")
        }
        value = lowered
    }

    /// From the 32 bytes of a digest.
    public init<Bytes: Collection>(bytes: Bytes) throws(SlipwayError) where Bytes.Element == UInt8 {
        guard bytes.count == 32 else { throw .badRequest("a SHA-256 digest has 32 bytes, not \(bytes.count)") }
        value = Hex.encode(bytes)
    }

    public var description: String { value }
}
