import Foundation

/// Reads encapsulated IPC messages one after another: an optional 0xFFFFFFFF continuation
/// marker (absent in the pre-0.15 format), a little-endian int32 metadata length, the `Message`
/// flatbuffer (padded), then the body. A zero length is the end-of-stream marker.
struct ArrowMessageCursor {
    let bytes: [UInt8]
    var position: Int
    /// Messages must end at or before this position (the footer's start in a file).
    let end: Int

    init(bytes: [UInt8], position: Int, end: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.end = min(end ?? bytes.count, bytes.count)
    }

    /// The next message, or nil at the end-of-stream marker or at the end of the input.
    mutating func next() throws -> ArrowMessage? {
        let remaining = end - position
        guard remaining > 0 else { return nil }
        guard remaining >= 4 else { throw ArrowError.truncated("a message length prefix") }
        var prefix = Self.u32(bytes, position)
        var metadataStart = position + 4
        if prefix == 0xFFFF_FFFF {
            guard remaining >= 8 else { throw ArrowError.truncated("a message length prefix") }
            prefix = Self.u32(bytes, position + 4)
            metadataStart = position + 8
        }
        let metadataLength = Int(Int32(bitPattern: prefix))
        guard metadataLength >= 0 else { throw ArrowError.corrupt("a message has a negative metadata length") }
        if metadataLength == 0 {
            position = metadataStart
            return nil
        }
        guard metadataLength <= end - metadataStart else { throw ArrowError.truncated("a message's metadata") }
        let bodyStart = metadataStart + metadataLength
        var decoder = ArrowMetadataDecoder(
            reader: try FlatBufferReader(bytes: bytes, start: metadataStart, end: bodyStart))
        let message = try decoder.message(bodyStart: bodyStart)
        guard message.bodyLength <= end - bodyStart else { throw ArrowError.truncated("a message body") }
        position = bodyStart + message.bodyLength
        return message
    }

    static func u32(_ bytes: [UInt8], _ position: Int) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self)) }
    }
}
