import Foundation

/// A value written as one string that its initialiser validates; decoding refuses what the
/// initialiser refuses, with the same message. `description` is the string.
public protocol ValidatedString: Codable, Hashable, Sendable, CustomStringConvertible {
    init(_ text: String) throws(SlipwayError)
}

extension ValidatedString {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
