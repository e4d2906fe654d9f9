/// Size and count limits applied while reading a Parquet file, so that a small hostile file
/// cannot make the reader allocate or loop without bound.
public struct ParquetLimits: Sendable, Hashable {
    /// Largest number of leaf columns in the schema.
    public var maxColumns: Int
    /// Largest number of rows in the file (the sum over its row groups).
    public var maxRows: Int
    /// Largest size of one page once decompressed (its `uncompressed_page_size`), in bytes. A
    /// dictionary page is a page, so this also bounds each column chunk's dictionary.
    public var maxPageBytes: Int
    /// Largest total size of one column's byte-string values once decoded (of every row group
    /// for `column(_:)`, of one for `column(_:rowGroup:)` and `records`), in bytes; dictionary
    /// indices that repeat a long entry many times are stopped here.
    public var maxColumnBytes: Int
    /// Largest size of the footer (the file metadata), in bytes.
    public var maxFooterBytes: Int

    public init(maxColumns: Int = 4_096, maxRows: Int = 10_000_000, maxPageBytes: Int = 64 * 1024 * 1024,
                maxColumnBytes: Int = 1024 * 1024 * 1024, maxFooterBytes: Int = 16 * 1024 * 1024) {
        self.maxColumns = maxColumns
        self.maxRows = maxRows
        self.maxPageBytes = maxPageBytes
        self.maxColumnBytes = maxColumnBytes
        self.maxFooterBytes = maxFooterBytes
    }

    /// 4,096 columns, 10 million rows, 64 MiB pages, 1 GiB of byte strings per column chunk and a
    /// 16 MiB footer.
    public static let `default` = ParquetLimits()
}
