import Foundation
import Testing

@testable import SlipwayCore

/// Checks the writer's output with real pyarrow. Runs only when SLIPWAY_TEST_PYARROW_PYTHON
/// names a Python interpreter with pyarrow installed, for example:
///
///     SLIPWAY_TEST_PYARROW_PYTHON=/tmp/arrowvenv/bin/python swift test --skip-build --filter Arrow
@Suite("Arrow writer checked by pyarrow")
struct ArrowPyarrowCrossCheckTests {
    static let python = ProcessInfo.processInfo.environment["SLIPWAY_TEST_PYARROW_PYTHON"]

    /// For every `<name>.ours.arrow` (written by Slipway) and `<name>.theirs.arrow` (pyarrow's
    /// fixture) in the directory, pyarrow must read ours, validate it fully, and find the same
    /// rows and schema (dictionary-encoded fields compare by value type: Slipway decodes them).
    /// `<name>.ours.schema` is compared with `<name>.theirs.schema` through `read_schema`.
    static let script = #"""
        import math, pathlib, sys
        import pyarrow as pa, pyarrow.ipc as ipc

        def norm(v):
            if isinstance(v, float) and math.isnan(v): return "NaN"
            if isinstance(v, list): return [norm(x) for x in v]
            if isinstance(v, dict): return {k: norm(x) for k, x in v.items()}
            return v

        def plain(t):
            return t.value_type if pa.types.is_dictionary(t) else t

        d = pathlib.Path(sys.argv[1]); failures = []; checked = 0
        for ours in sorted(d.glob("*.ours.*")):
            checked += 1
            name, kind = ours.name.split(".ours.")
            theirs = d / f"{name}.theirs.{kind}"
            try:
                if kind == "schema":
                    a = ipc.read_schema(pa.py_buffer(ours.read_bytes()))
                    b = ipc.read_schema(pa.py_buffer(theirs.read_bytes()))
                    assert a.equals(b, check_metadata=True), f"{a} != {b}"
                    continue
                opener = ipc.open_file if kind == "arrow" else ipc.open_stream
                a = opener(pa.py_buffer(ours.read_bytes())).read_all()
                b = opener(pa.py_buffer(theirs.read_bytes())).read_all()
                a.validate(full=True)
                assert norm(a.to_pylist()) == norm(b.to_pylist()), "rows differ"
                assert a.schema.metadata == b.schema.metadata, "schema metadata differs"
                for fa, fb in zip(a.schema, b.schema, strict=True):
                    assert fa.name == fb.name and fa.nullable == fb.nullable, f"field {fa} != {fb}"
                    assert fa.type == plain(fb.type), f"type {fa.type} != {fb.type}"
                    assert fa.metadata == fb.metadata, f"field metadata of {fa.name} differs"
            except Exception as e:
                failures.append(f"{ours.name}: {e!r}")
        print("\n".join(failures) if failures else f"OK {checked}")
        """#

    @Test(.enabled(if: python != nil, "set SLIPWAY_TEST_PYARROW_PYTHON to a Python with pyarrow"))
    func pyarrowReadsWhatSlipwayWrites() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-arrow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        func write(_ name: String, _ ours: Data, _ theirs: Data, _ kind: String) throws {
            try ours.write(to: directory.appendingPathComponent("\(name).ours.\(kind)"))
            try theirs.write(to: directory.appendingPathComponent("\(name).theirs.\(kind)"))
        }
        for fixture in ArrowTestSupport.files {
            try write(fixture.name, ArrowIPC.writeFile(try ArrowIPC.readFile(fixture.data)), fixture.data, "arrow")
        }
        try write("stream", ArrowIPC.writeStream(try ArrowIPC.readStream(ArrowFixtures.stream)), ArrowFixtures.stream, "stream")
        try write("schema", try ArrowSchema.decodeMessage(ArrowFixtures.serializedSchema).encodeMessage(),
                  ArrowFixtures.serializedSchema, "schema")
        // A table built from records, compared with itself rewritten (pyarrow must read both).
        let records = try ArrowTestSupport.records(#"[{"a": 1, "b": [[1.5]], "c": {"x": "y"}}, {"a": null, "b": [], "c": null}]"#)
        let built = ArrowIPC.writeFile(try ArrowTable(records: records))
        try write("fromRecords", built, built, "arrow")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = ["-c", Self.script, directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        let expected = ArrowTestSupport.files.count + 3
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "OK \(expected)", "\(text)")
    }
}
