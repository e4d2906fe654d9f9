import NIOCore

/// Splits a stream of bytes into lines (`\n`, an optional `\r` before it dropped), refusing a
/// line longer than `maxLength`.
struct LineSplitter {
    struct TooLong: Error, CustomStringConvertible {
        var maxLength: Int
        var description: String { "a line longer than \(maxLength) bytes" }
    }

    let maxLength: Int
    private var pending: [UInt8] = []

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    /// The lines `chunk` completes.
    mutating func append(_ chunk: ByteBuffer) throws(TooLong) -> [String] {
        var lines: [String] = []
        chunk.withUnsafeReadableBytes { bytes in
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if pending.isEmpty {
                    lines.append(Self.line(bytes[start..<newline]))
                } else {
                    pending.append(contentsOf: bytes[start..<newline])
                    lines.append(Self.line(pending[...]))
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending.append(contentsOf: bytes[start...])
        }
        guard pending.count <= maxLength else { throw TooLong(maxLength: maxLength) }
        return lines
    }

    /// What followed the last newline, if anything (at the end of the stream).
    mutating func remainder() -> String? {
        guard !pending.isEmpty else { return nil }
        defer { pending = [] }
        return Self.line(pending[...])
    }

    private static func line<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> String {
        if bytes.last == UInt8(ascii: "\r") { return String(decoding: bytes.dropLast(), as: UTF8.self) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
