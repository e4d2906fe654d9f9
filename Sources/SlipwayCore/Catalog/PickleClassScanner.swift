import Foundation

/// Reads which class a pickle's top object is, from its first opcodes, without unpickling:
/// an object pickled by reduction (protocol 2 and later, what scikit-learn models are) starts
/// by pushing its class, as `GLOBAL module\nname\n` or as two strings and `STACK_GLOBAL`.
/// Returns nil at the first opcode that is not one of those, so it never guesses.
public enum PickleClassScanner {
    public static func topClass(_ data: Data) -> (module: String, name: String)? {
        let bytes = [UInt8](data.prefix(64 * 1024))
        var index = 0
        var strings: [String] = []
        func read(_ count: Int) -> [UInt8]? {
            guard count >= 0, index + count <= bytes.count else { return nil }
            defer { index += count }
            return Array(bytes[index..<(index + count)])
        }
        func length(_ size: Int) -> Int? {
            guard let raw = read(size) else { return nil }
            return raw.enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        }
        while index < bytes.count {
            let opcode = bytes[index]
            index += 1
            switch opcode {
            case 0x80: guard read(1) != nil else { return nil }                       // PROTO
            case 0x95: guard read(8) != nil else { return nil }                       // FRAME
            case 0x94: continue                                                       // MEMOIZE
            case UInt8(ascii: "q"): guard read(1) != nil else { return nil }          // BINPUT
            case UInt8(ascii: "r"): guard read(4) != nil else { return nil }          // LONG_BINPUT
            case 0x8c, UInt8(ascii: "X"):                                             // SHORT_BINUNICODE, BINUNICODE
                guard let count = length(opcode == 0x8c ? 1 : 4), let raw = read(count),
                      let text = String(bytes: raw, encoding: .utf8) else { return nil }
                strings.append(text)
            case 0x93:                                                                // STACK_GLOBAL
                guard strings.count >= 2 else { return nil }
                return (strings[strings.count - 2], strings[strings.count - 1])
            case UInt8(ascii: "c"):                                                   // GLOBAL
                guard let newline = bytes[index...].firstIndex(of: 10),
                      let second = bytes[(newline + 1)...].firstIndex(of: 10) else { return nil }
                let module = String(decoding: bytes[index..<newline], as: UTF8.self)
                let name = String(decoding: bytes[(newline + 1)..<second], as: UTF8.self)
                return (module, name)
            default: return nil
            }
        }
        return nil
    }
}
