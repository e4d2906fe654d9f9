/// The type of a tar entry, from the header's `typeflag`.
public enum TarEntryKind: Sendable, Hashable, CustomStringConvertible {
    /// `'0'`, `'\0'` (and `'7'`, contiguous file, which readers treat as regular).
    case regularFile
    /// `'5'`, or an old-style regular entry whose name ends with `/`.
    case directory
    /// `'2'`; the entry's `linkTarget` holds the target.
    case symbolicLink
    /// `'1'`; the entry's `linkTarget` names an earlier entry of the archive.
    case hardLink
    /// `'3'`.
    case characterDevice
    /// `'4'`.
    case blockDevice
    /// `'6'`.
    case fifo
    /// Any other type (GNU sparse files, volume labels, vendor extensions…), by raw typeflag byte.
    case other(typeflag: UInt8)

    init(typeflag: UInt8) {
        switch typeflag {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): self = .regularFile
        case UInt8(ascii: "1"): self = .hardLink
        case UInt8(ascii: "2"): self = .symbolicLink
        case UInt8(ascii: "3"): self = .characterDevice
        case UInt8(ascii: "4"): self = .blockDevice
        case UInt8(ascii: "5"): self = .directory
        case UInt8(ascii: "6"): self = .fifo
        default: self = .other(typeflag: typeflag)
        }
    }

    /// Whether entries of this kind carry file contents that the reader emits as `.data` events.
    public var hasContents: Bool { self == .regularFile }

    /// A short English name ("regular file", "symbolic link", …) for messages.
    public var description: String {
        switch self {
        case .regularFile: "regular file"
        case .directory: "directory"
        case .symbolicLink: "symbolic link"
        case .hardLink: "hard link"
        case .characterDevice: "character device"
        case .blockDevice: "block device"
        case .fifo: "FIFO (named pipe)"
        case .other(let flag):
            if (0x21...0x7E).contains(flag) {
                "special entry of unsupported type '\(Character(Unicode.Scalar(flag)))'"
            } else {
                "special entry of unsupported type \(flag)"
            }
        }
    }
}
