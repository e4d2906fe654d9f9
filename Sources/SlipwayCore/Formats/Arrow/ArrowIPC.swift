// Hand-written Arrow IPC support: the local package mirror has no Swift Arrow or FlatBuffers library.
import Foundation

/// Reads and writes the Apache Arrow IPC formats: the **file** format (`ARROW1` magic, footer
/// with block index; `application/vnd.apache.arrow.file`, what `pyarrow.ipc.new_file` writes)
/// and the **stream** format (`application/vnd.apache.arrow.stream`).
///
/// Read: the types of ``ArrowType``; dictionary-encoded columns whose values are flat (pandas
/// categoricals), decoded to their value type; several record batches; metadata versions V4
/// and V5; streams with or without continuation markers. Not read, with a clear error: body
/// compression (LZ4/ZSTD), big-endian data, dictionaries of nested values, and the types
/// outside ``ArrowType`` (decimal, time, duration, interval, map, union, views, run-end).
///
/// Written: little-endian V5 metadata, 8-byte-aligned buffers and messages, continuation
/// markers, an end-of-stream marker, and (for files) a footer listing every record batch.
/// No dictionary encoding or compression is written.
public enum ArrowIPC {
    /// The magic bytes at both ends of an Arrow IPC file.
    static let magic: [UInt8] = Array("ARROW1".utf8)

    /// Reads an Arrow IPC file.
    /// - Throws: ``ArrowError`` if the data is not a valid file or uses an unsupported feature.
    public static func readFile(_ data: Data) throws -> ArrowTable {
        var reader = ArrowIPCReader(bytes: [UInt8](data))
        return try reader.readFile()
    }

    /// Reads an Arrow IPC stream (schema message, dictionary and record batch messages, an
    /// optional end-of-stream marker).
    public static func readStream(_ data: Data) throws -> ArrowTable {
        var reader = ArrowIPCReader(bytes: [UInt8](data))
        return try reader.readStream()
    }

    /// Reads either format: a file if the data starts with the `ARROW1` magic, else a stream.
    public static func read(_ data: Data) throws -> ArrowTable {
        data.starts(with: magic) ? try readFile(data) : try readStream(data)
    }

    /// Writes the table as an Arrow IPC file, one record batch per batch of the table.
    public static func writeFile(_ table: ArrowTable) -> Data {
        var out = magic + [0, 0]
        out += ArrowMessageWriter.encapsulate(ArrowMetadataEncoder.schemaMessage(table.schema))
        var blocks: [ArrowMetadataEncoder.Block] = []
        for batch in table.batches {
            let offset = out.count
            let (metadata, body) = recordBatchMessage(batch)
            out += metadata
            out += body
            blocks.append(.init(offset: offset, metadataLength: metadata.count, bodyLength: body.count))
        }
        out += ArrowMessageWriter.endOfStream
        let footer = ArrowMetadataEncoder.footer(table.schema, recordBatches: blocks)
        out += footer
        FlatBufferBuilder.append(&out, Int32(footer.count))
        out += magic
        return Data(out)
    }

    /// Writes the table as an Arrow IPC stream, ending with the end-of-stream marker.
    public static func writeStream(_ table: ArrowTable) -> Data {
        var out = ArrowMessageWriter.encapsulate(ArrowMetadataEncoder.schemaMessage(table.schema))
        for batch in table.batches {
            let (metadata, body) = recordBatchMessage(batch)
            out += metadata
            out += body
        }
        out += ArrowMessageWriter.endOfStream
        return Data(out)
    }

    private static func recordBatchMessage(_ batch: ArrowRecordBatch) -> (metadata: [UInt8], body: [UInt8]) {
        var writer = ArrowBodyWriter()
        for column in batch.columns { writer.append(column) }
        let message = ArrowMetadataEncoder.recordBatchMessage(
            length: batch.count, nodes: writer.nodes, buffers: writer.buffers, bodyLength: writer.body.count)
        return (ArrowMessageWriter.encapsulate(message), writer.body)
    }
}
