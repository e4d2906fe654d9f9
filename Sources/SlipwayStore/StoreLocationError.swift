/// A `--database` value that cannot be used, or a database that cannot be opened. The message
/// is one line and never contains a password.
public struct StoreLocationError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
