import Foundation

/// An enumeration of known names plus `other(String)` for any other name, written as its raw
/// value.
///
/// The raw value round-trips exactly: a known name in its canonical spelling is its case, any
/// other text (another spelling included) is kept verbatim in `other`. Equality and hashing
/// compare raw values, so `.other("<a known name>")` equals the known case.
public protocol OpenNameSet: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible
    where RawValue == String {
    /// The named cases, in a stable order.
    static var known: [Self] { get }
    static func other(_ name: String) -> Self
}

extension OpenNameSet {
    /// Longest accepted raw value.
    public static var maximumRawValueBytes: Int { 128 }

    /// Nil for empty text, text longer than ``maximumRawValueBytes`` or containing control
    /// characters.
    public init?(rawValue: String) {
        guard NameRules.isPrintableLabel(rawValue, maximumBytes: Self.maximumRawValueBytes) else { return nil }
        self = Self.known.first { $0.rawValue == rawValue } ?? .other(rawValue)
    }

    public var description: String { rawValue }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = Self(rawValue: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid \(Self.self) name")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
