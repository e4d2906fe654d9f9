/// How a column chunk's pages are compressed (Parquet's `CompressionCodec`).
public enum ParquetCompressionCodec: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case lzo = 3
    case brotli = 4
    case lz4 = 5
    case zstd = 6
    case lz4Raw = 7

    public var description: String {
        switch self {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        }
    }

    /// Whether this reader can decompress pages of this codec. Only SNAPPY (pandas' and
    /// pyarrow's default) is implemented; Foundation on Linux has no zlib API and SlipwayCore
    /// takes no compression library, so GZIP, ZSTD, LZ4 and BROTLI files are refused by name.
    public var isSupported: Bool { self == .uncompressed || self == .snappy }
}
