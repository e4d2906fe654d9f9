import SlipwayCore

/// An error raised while decoding a submitted form. `message` is safe to show to the end user.
public struct FormError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable explanation of what is wrong with the form.
    public let message: String
    /// True when the form was rejected because it exceeds a size or count limit.
    public let exceedsLimit: Bool

    /// Creates an error with a user-facing message.
    public init(_ message: String, exceedsLimit: Bool = false) {
        self.message = message
        self.exceedsLimit = exceedsLimit
    }

    public var description: String { message }
}

extension FormError {
    static func tooManyFields(limit: Int) -> FormError {
        FormError("the form has more than \(limit) fields", exceedsLimit: true)
    }

    static func badPercentEncoding(near text: String) -> FormError {
        FormError("the form body contains an invalid percent-encoded sequence in \(quoted(text))")
    }

    static func invalidUTF8(near text: String) -> FormError {
        FormError("the form body contains text that is not valid UTF-8 in \(quoted(text))")
    }

    static let emptyKey = FormError("the form contains a field with an empty name")

    static func malformedKey(_ key: String, _ reason: String) -> FormError {
        FormError("form field name \(quoted(key)) is malformed: \(reason)")
    }

    static func tooDeep(_ key: String, limit: Int) -> FormError {
        FormError("form field name \(quoted(key)) is nested more than \(limit) levels deep")
    }

    static func leafAndParent(_ key: String, _ path: String) -> FormError {
        FormError(
            "form field \(quoted(key)) conflicts with another field: \(quoted(path)) is used both as a value and as a container")
    }

    /// Quotes user-supplied text for a message: control characters escaped, length capped.
    static func quoted(_ text: String) -> String {
        var out = ""
        for (count, scalar) in text.unicodeScalars.enumerated() {
            if count >= 200 {
                out += "…"
                break
            }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return "'\(out)'"
    }
}
