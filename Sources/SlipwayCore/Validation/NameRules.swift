import Foundation

/// Naming rules shared by every dialect.
public enum NameRules {
    /// Steps, pipelines, deployments and workspaces: DNS-label style, 1–63 characters,
    /// lowercase letters, digits and `-`, starting and ending with a letter or digit.
    public static func validateResourceName(_ name: String, kind: String) throws(SlipwayError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw .badRequest("\(kind) name must not be empty") }
        guard bytes.count <= 63 else { throw .badRequest("\(kind) name must be at most 63 characters") }
        let allowed = bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        guard allowed, isLowerAlnum(bytes.first!), isLowerAlnum(bytes.last!) else {
            throw .badRequest(
                "\(kind) name '\(printable(name))' is invalid: use lowercase letters, digits and '-', "
                    + "starting and ending with a letter or digit")
        }
    }

    /// Input/output names become Python keyword arguments.
    public static func validateIOName(_ name: String) throws(SlipwayError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 128, let first = bytes.first,
              isLetter(first) || first == UInt8(ascii: "_"),
              bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") })
        else {
            throw .badRequest("input/output name '\(printable(name))' is invalid: it must be a Python identifier")
        }
    }

    /// Environment variable names: `[A-Za-z_][A-Za-z0-9_]*`, at most 255 characters.
    public static func validateVariableName(_ name: String) throws(SlipwayError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 255, let first = bytes.first,
              isLetter(first) || first == UInt8(ascii: "_"),
              bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") })
        else {
            throw .badRequest(
                "environment variable name '\(printable(name))' is invalid: use letters, digits and '_', "
                    + "not starting with a digit")
        }
    }

    /// Metric names: 1–255 printable characters, no `/`.
    public static func validateMetricName(_ name: String) throws(SlipwayError) {
        guard !name.isEmpty, name.utf8.count <= 255 else {
            throw .badRequest("metric name must be 1 to 255 characters")
        }
        guard !name.unicodeScalars.contains(where: { $0 == "/" || $0.properties.generalCategory == .control })
        else { throw .badRequest("metric name '\(printable(name))' must not contain '/' or control characters") }
    }

    /// Truncates and strips control characters so user input can be echoed in an error.
    public static func printable(_ text: String, limit: Int = 80) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0.properties.generalCategory != .control
        }))
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || isDigit(byte)
    }
    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
