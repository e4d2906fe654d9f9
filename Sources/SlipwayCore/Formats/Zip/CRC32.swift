import Foundation

/// The CRC-32 of ZIP (IEEE 802.3, reflected polynomial 0xEDB88320), updated chunk by chunk.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    public mutating func update(_ data: Data) {
        var crc = ~value
        Self.table.withUnsafeBufferPointer { table in
            for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        value = ~crc
    }
}
