import Foundation

extension NameRules {
    /// Names of secrets and shared settings: 1–128 characters, letters, digits, `_`, `-` and
    /// `.`, starting with a letter or digit (so the seed's `kaggle_api_key` and TetraScience's
    /// `my-org.db-password` style both fit, and a name is safe in a URL path and a log line).
    public static func validateKeyName(_ name: String, kind: String) throws(SlipwayError) {
        let bytes = Array(name.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard (1...128).contains(bytes.count), isAlphanumeric(bytes[0]),
              bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else {
            throw .badRequest("\(kind) name '\(printable(name))' is invalid: use 1 to 128 letters, digits, "
                + "'_', '-' and '.', starting with a letter or digit")
        }
    }
}
