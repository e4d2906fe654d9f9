import Foundation
import SQLKit
import SlipwayCore

/// Per-feature columns of inference records (table `inference_columns`): each appended batch
/// adds one row per (pipeline, model version, side, feature, element) holding that feature's
/// (time, value) pairs packed as little-endian doubles. Drift reads one feature of millions of
/// records as a few blobs instead of parsing every record's JSON.
enum InferenceColumns {
    struct Key: Hashable {
        var workspaceID: String
        var pipelineID: String
        var modelVersionID: String
        var feature: InferenceFeature
    }

    /// The columns of a batch: every numeric feature of the non-shadow records (a scalar is
    /// element 0, a vector gives its first `maximumColumnElements` elements; a value that is not
    /// a finite number is NaN), points in time order.
    static func columns(of records: some Sequence<InferenceRecord>) -> [Key: [(Double, Double)]] {
        var columns: [Key: [(Double, Double)]] = [:]
        for record in records where !record.isShadow {
            let time = record.time.timeIntervalSince1970
            for (side, features) in [(InferenceFeature.Side.input, record.inputs), (.output, record.outputs)] {
                for (name, value) in features {
                    let count: Int
                    switch value {
                    case .vector(let values): count = min(values.count, InferenceFeature.maximumColumnElements)
                    case .number, .bool: count = 1
                    case .null, .string, .json: continue
                    }
                    for element in 0..<count {
                        let feature = InferenceFeature(side: side, name: name, element: element)
                        let key = Key(workspaceID: record.workspaceID, pipelineID: record.pipelineID,
                                      modelVersionID: record.modelVersionID ?? "", feature: feature)
                        columns[key, default: []].append((time, feature.value(in: record) ?? .nan))
                    }
                }
            }
        }
        for key in columns.keys { columns[key]?.sort { $0.0 < $1.0 } }
        return columns
    }

    static func append(_ records: some Sequence<InferenceRecord>, to db: any SQLDatabase) async throws {
        let columns = columns(of: records)
        var rows = Array(columns)
        rows.sort { ($0.key.pipelineID, $0.key.feature.name, $0.key.feature.element) < ($1.key.pipelineID, $1.key.feature.name, $1.key.feature.element) }
        for chunk in stride(from: 0, to: rows.count, by: 100).map({ rows[$0..<min($0 + 100, rows.count)] }) {
            var insert = db.insert(into: "inference_columns").columns(
                "workspace_id", "pipeline_id", "model_version_id", "side", "feature", "element", "first_time", "last_time",
                "value_count", "points")
            for (key, points) in chunk {
                insert = insert.values(
                    SQLBind(key.workspaceID), SQLBind(key.pipelineID), SQLBind(key.modelVersionID),
                    SQLBind(key.feature.side.rawValue), SQLBind(key.feature.name), SQLBind(key.feature.element),
                    SQLBind(points.first?.0 ?? 0), SQLBind(points.last?.0 ?? 0), SQLBind(points.count), SQLBind(pack(points)))
            }
            try await insert.run()
        }
    }

    /// The query's series from the stored columns, oldest first.
    static func series(_ query: InferenceSeriesQuery, in db: any SQLDatabase) async throws -> InferenceSeries {
        var select = db.select().column("points").from("inference_columns")
            .where("pipeline_id", .equal, query.pipelineID)
            .where("side", .equal, query.feature.side.rawValue)
            .where("feature", .equal, query.feature.name)
            .where("element", .equal, query.feature.element)
            .where("last_time", .greaterThanOrEqual, query.start.timeIntervalSince1970)
            .where("first_time", .lessThan, query.end.timeIntervalSince1970)
            .where("workspace_id", .equal, query.workspaceID)
        if let versions = query.modelVersionIDs {
            guard !versions.isEmpty else { return InferenceSeries() }
            select = select.where("model_version_id", .in, versions)
        }
        let start = query.start.timeIntervalSince1970, end = query.end.timeIntervalSince1970
        var points: [(Double, Double)] = []
        for row in try await select.all() {
            let blob = try row.decode(column: "points", as: Data.self)
            unpack(blob) { time, value in
                if time >= start, time < end { points.append((time, value)) }
            }
        }
        points.sort { $0.0 < $1.0 }
        var series = InferenceSeries()
        series.times.reserveCapacity(points.count)
        series.values.reserveCapacity(points.count)
        for (time, value) in points {
            series.times.append(time)
            series.values.append(value)
        }
        return series
    }

    static func pack(_ points: [(Double, Double)]) -> Data {
        var data = Data(count: points.count * 16)
        data.withUnsafeMutableBytes { raw in
            for (index, (time, value)) in points.enumerated() {
                raw.storeBytes(of: time.bitPattern.littleEndian, toByteOffset: index * 16, as: UInt64.self)
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 16 + 8, as: UInt64.self)
            }
        }
        return data
    }

    static func unpack(_ data: Data, _ body: (Double, Double) -> Void) {
        data.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count - 15, by: 16) {
                let time = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                let value = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
                body(time, value)
            }
        }
    }

    /// Writes the columns of every record stored before the columns existed, a page at a time.
    @Sendable static func backfill(_ db: any SQLDatabase, _ dialect: StoreDialect) async throws {
        var after = ""
        while true {
            let rows = try await db.select().column("*").from("inference_records").where("id", .greaterThan, after)
                .orderBy("id").limit(5000).all()
            guard let last = rows.last else { return }
            let records = try rows.map(SQLMetadataStore.inferenceRecord(from:))
            try await append(records, to: db)
            after = try last.string("id")
        }
    }
}
