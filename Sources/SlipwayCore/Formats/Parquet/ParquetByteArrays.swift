/// Variable- or fixed-length byte strings stored back to back: value `i` is
/// `bytes[offsets[i]..<offsets[i + 1]]`. One buffer for a whole column keeps decoding
/// allocation-light (no `Data` or `String` per value).
public struct ParquetByteArrays: Sendable, Hashable {
    /// `count + 1` ascending positions in `bytes`, starting at 0.
    public internal(set) var offsets: [Int]
    public internal(set) var bytes: [UInt8]

    init(offsets: [Int] = [0], bytes: [UInt8] = []) {
        self.offsets = offsets
        self.bytes = bytes
    }

    public var count: Int { offsets.count - 1 }

    /// The bytes of value `index`.
    public subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[offsets[index]..<offsets[index + 1]]
    }

    /// Value `index` as text; invalid UTF-8 is repaired with U+FFFD.
    public func string(at index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}
