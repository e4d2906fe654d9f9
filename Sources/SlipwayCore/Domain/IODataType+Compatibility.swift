import Foundation

extension IODataType {
    /// Whether a value produced as `self` may feed an input declared as `input`: the same type,
    /// or a `json` input, which takes any value except a file (a file is a handle to bytes, not
    /// a JSON value).
    public func canFeed(_ input: IODataType) -> Bool {
        self == input || (input == .json && self != .file)
    }
}
