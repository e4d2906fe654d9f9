import Foundation

/// A tiny tar writer for tests: builds ustar/GNU/PAX blocks byte by byte.
struct TarTestBuilder {
    enum Format {
        case ustar
        case gnu
        case v7
    }

    private(set) var bytes: [UInt8] = []

    static func octal(_ value: Int, width: Int) -> [UInt8] {
        var digits = Array(String(value, radix: 8).utf8)
        while digits.count < width - 1 { digits.insert(UInt8(ascii: "0"), at: 0) }
        return digits + [0]
    }

    static func base256(_ value: Int, width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width)
        var v = value
        for i in stride(from: width - 1, through: 1, by: -1) {
            out[i] = UInt8(v & 0xFF)
            v >>= 8
        }
        out[0] = 0x80
        return out
    }

    static func block(
        name: String, typeflag: Character, size: Int, linkName: String = "", prefix: String = "",
        format: Format = .ustar, mode: Int = 0o644, base256Size: Bool = false, corruptChecksum: Bool = false
    ) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int, max: Int) {
            for (i, b) in field.prefix(max).enumerated() { block[offset + i] = b }
        }
        put(Array(name.utf8), at: 0, max: 100)
        put(octal(mode, width: 8), at: 100, max: 8)
        put(octal(1000, width: 8), at: 108, max: 8)
        put(octal(1000, width: 8), at: 116, max: 8)
        put(base256Size ? base256(size, width: 12) : octal(size, width: 12), at: 124, max: 12)
        put(octal(1_700_000_000, width: 12), at: 136, max: 12)
        block[156] = typeflag.asciiValue!
        put(Array(linkName.utf8), at: 157, max: 100)
        switch format {
        case .ustar:
            put(Array("ustar\u{0}00".utf8), at: 257, max: 8)
            put(Array(prefix.utf8), at: 345, max: 155)
        case .gnu:
            put(Array("ustar  \u{0}".utf8), at: 257, max: 8)
        case .v7:
            break
        }
        for i in 148..<156 { block[i] = UInt8(ascii: " ") }
        var sum = block.reduce(0) { $0 + Int($1) }
        if corruptChecksum { sum += 1 }
        put(Array(String(sum, radix: 8).utf8).paddedOctal(6) + [0, UInt8(ascii: " ")], at: 148, max: 8)
        return block
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        let remainder = data.count % 512
        return remainder == 0 ? data : data + [UInt8](repeating: 0, count: 512 - remainder)
    }

    mutating func raw(_ data: [UInt8]) { bytes += data }

    mutating func file(
        _ name: String, _ contents: String, format: Format = .ustar, typeflag: Character = "0",
        prefix: String = "", base256Size: Bool = false, corruptChecksum: Bool = false
    ) {
        file(name, Array(contents.utf8), format: format, typeflag: typeflag, prefix: prefix,
             base256Size: base256Size, corruptChecksum: corruptChecksum)
    }

    mutating func file(
        _ name: String, _ contents: [UInt8], format: Format = .ustar, typeflag: Character = "0",
        prefix: String = "", base256Size: Bool = false, corruptChecksum: Bool = false
    ) {
        bytes += Self.block(
            name: name, typeflag: typeflag, size: contents.count, prefix: prefix, format: format,
            base256Size: base256Size, corruptChecksum: corruptChecksum)
        bytes += Self.padded(contents)
    }

    mutating func directory(_ name: String) {
        bytes += Self.block(name: name, typeflag: "5", size: 0, mode: 0o755)
    }

    mutating func symlink(_ name: String, to target: String) {
        bytes += Self.block(name: name, typeflag: "2", size: 0, linkName: target, mode: 0o777)
    }

    mutating func hardLink(_ name: String, to target: String) {
        bytes += Self.block(name: name, typeflag: "1", size: 0, linkName: target)
    }

    mutating func special(_ name: String, typeflag: Character) {
        bytes += Self.block(name: name, typeflag: typeflag, size: 0)
    }

    /// GNU `L` (long name) or `K` (long link) pseudo-entry.
    mutating func gnuLong(_ value: String, typeflag: Character = "L") {
        let data = Array(value.utf8) + [0]
        bytes += Self.block(name: "././@LongLink", typeflag: typeflag, size: data.count, format: .gnu)
        bytes += Self.padded(data)
    }

    /// PAX `x` (or `g` when `global`) extended header with the given records.
    mutating func pax(_ records: [(String, String)], global: Bool = false) {
        var data: [UInt8] = []
        for (key, value) in records {
            let body = " \(key)=\(value)\n"
            var length = body.utf8.count + 1
            while String(length).utf8.count + body.utf8.count != length { length += 1 }
            data += Array("\(length)\(body)".utf8)
        }
        bytes += Self.block(name: "PaxHeaders/x", typeflag: global ? "g" : "x", size: data.count)
        bytes += Self.padded(data)
    }

    mutating func end() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }
}

extension Array where Element == UInt8 {
    fileprivate func paddedOctal(_ width: Int) -> [UInt8] {
        var out = self
        while out.count < width { out.insert(UInt8(ascii: "0"), at: 0) }
        return out
    }
}
