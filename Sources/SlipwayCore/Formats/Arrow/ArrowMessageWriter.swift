import Foundation

/// Frames IPC messages the way Arrow ≥ 0.15 writes them: 0xFFFFFFFF, the int32 length of the
/// metadata (flatbuffer plus padding, chosen so the body starts on an 8-byte boundary), the
/// flatbuffer, zero padding. Bodies are appended by the caller and are multiples of 8 bytes.
enum ArrowMessageWriter {
    /// The continuation marker followed by a zero length: the end-of-stream marker.
    static let endOfStream: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]

    /// Returns the framed metadata of a `Message` flatbuffer.
    static func encapsulate(_ flatbuffer: [UInt8]) -> [UInt8] {
        let padded = (flatbuffer.count + 7) / 8 * 8
        var out: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        FlatBufferBuilder.append(&out, Int32(padded))
        out += flatbuffer
        out += [UInt8](repeating: 0, count: padded - flatbuffer.count)
        return out
    }
}
