import Foundation
import SQLKit
import SlipwayCore

/// The execution write path on PostgreSQL: each write applied in submission order, on a
/// connection inside a transaction, with bound parameters. Multi-row inserts go in chunks that
/// stay under PostgreSQL's 65 535 parameters per statement.
enum PostgresExecutionWrites {
    /// Rows per multi-row insert.
    static let rowsPerStatement = 1000

    static func apply(_ writes: [ExecutionWrite], db: any SQLDatabase) async throws -> [Bool] {
        var results: [Bool] = []
        for write in writes {
            switch write {
            case .insert(let execution, let inputs, let outputs):
                try await insert(execution, db: db)
                try await insertInputs(executionID: execution.id, inputs, db: db)
                try await writeOutputs(executionID: execution.id, outputs, replace: false, db: db)
                results.append(true)
            case .status(let id, let from, let to, let at, let message):
                results.append(try await transition(id: id, from: from, to: to, startedAt: to == .running ? at : nil,
                                                    endedAt: to.isFinal ? at : nil, message: message, db: db))
            case .outputs(let executionID, let outputs):
                try await writeOutputs(executionID: executionID, outputs, replace: true, db: db)
                results.append(true)
            case .logs(let lines, let subject):
                try await insertLogs(lines, subject: subject, db: db)
                results.append(true)
            case .finish(let id, let from, let to, let at, let message, let outputs, let logs):
                let applied = try await transition(id: id, from: from, to: to, startedAt: nil,
                                                   endedAt: to.isFinal ? at : nil, message: message, db: db)
                if applied {
                    try await writeOutputs(executionID: id, outputs, replace: true, db: db)
                    try await insertLogs(logs, subject: .execution(id), db: db)
                }
                results.append(applied)
            case .barrier:
                results.append(true)
            }
        }
        return results
    }

    static func insert(_ e: Execution, db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO executions (id, workspace_id, pipeline_id, pipeline_name, step_id, deployment_name, trigger,
                status, created_at, created_by, started_at, ended_at, failure_message)
            VALUES (\(bind: e.id), \(bind: e.workspaceID), \(bind: e.pipelineID), \(bind: e.pipelineName), \(bind: e.stepID),
                \(bind: e.deploymentName), \(bind: e.trigger.rawValue), \(bind: e.status.rawValue),
                \(bind: e.createdAt.timeIntervalSince1970), \(bind: e.createdBy), \(bind: e.startedAt?.timeIntervalSince1970),
                \(bind: e.endedAt?.timeIntervalSince1970), \(bind: e.failureMessage))
            """).run()
    }

    /// Compare-and-set of the status: applies only while the stored status is still `from`.
    static func transition(id: String, from: ExecutionStatus, to: ExecutionStatus, startedAt: Date?, endedAt: Date?,
                           message: String?, db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            UPDATE executions SET status = \(bind: to.rawValue),
                started_at = COALESCE(\(bind: startedAt?.timeIntervalSince1970), started_at),
                ended_at = COALESCE(\(bind: endedAt?.timeIntervalSince1970), ended_at),
                failure_message = COALESCE(\(bind: message), failure_message)
            WHERE id = \(bind: id) AND status = \(bind: from.rawValue) RETURNING id
            """).first() != nil
    }

    static func insertInputs(executionID: String, _ inputs: [ExecutionInput], db: any SQLDatabase) async throws {
        let rows = inputs.enumerated().map { position, input in
            ioRow(executionID: executionID, position: position, name: input.name, dataType: input.dataType,
                  kind: input.source.kind.rawValue, mapping: input.source.parameters, value: input.value,
                  fileBlob: input.fileBlob, fileName: input.fileName)
        }
        for chunk in chunks(rows) {
            try await db.raw("""
                INSERT INTO execution_inputs (execution_id, position, name, data_type, source, mapping_json, value_json,
                    file_blob, file_name)
                VALUES \(chunk.joined(separator: ", "))
                """).run()
        }
    }

    /// Planned outputs (`replace: false`, at insert) or produced ones, which replace the planned
    /// ones by name.
    static func writeOutputs(executionID: String, _ outputs: [ExecutionOutput], replace: Bool,
                             db: any SQLDatabase) async throws {
        let rows = outputs.enumerated().map { position, output in
            ioRow(executionID: executionID, position: position, name: output.name, dataType: output.dataType,
                  kind: output.destination.kind.rawValue, mapping: output.destination.parameters, value: output.value,
                  fileBlob: output.fileBlob, fileName: output.fileName)
        }
        let conflict: SQLQueryString = replace
            ? """
              DO UPDATE SET value_json = excluded.value_json, file_blob = excluded.file_blob,
                  file_name = excluded.file_name, mapping_json = excluded.mapping_json
              """
            : "DO NOTHING"
        for chunk in chunks(rows) {
            try await db.raw("""
                INSERT INTO execution_outputs (execution_id, position, name, data_type, destination, mapping_json,
                    value_json, file_blob, file_name)
                VALUES \(chunk.joined(separator: ", "))
                ON CONFLICT (execution_id, name) \(conflict)
                """).run()
        }
    }

    /// Messages are stored as bytes (`bytea`): PostgreSQL text cannot hold the NULs programs print.
    /// Ids come from the sequence in row order, so they keep the order of the lines.
    static func insertLogs(_ lines: [LogLine], subject: LogSubject, db: any SQLDatabase) async throws {
        let rows: [SQLQueryString] = lines.map { line in
            """
            (\(bind: subject.type), \(bind: subject.id), \(bind: line.timestamp.timeIntervalSince1970),
                \(bind: line.stream.rawValue), \(bind: Data(line.message.utf8)))
            """
        }
        for chunk in chunks(rows) {
            try await db.raw("""
                INSERT INTO log_lines (subject_type, subject_id, ts, stream, message) VALUES \(chunk.joined(separator: ", "))
                """).run()
        }
    }

    /// One `(…)` row of `execution_inputs` or `execution_outputs` (same columns; `kind` is the
    /// source or the destination).
    static func ioRow(executionID: String, position: Int, name: String, dataType: IODataType, kind: String,
                      mapping: [String: JSONValue], value: JSONValue?, fileBlob: String?, fileName: String?) -> SQLQueryString {
        """
        (\(bind: executionID), \(bind: position), \(bind: name), \(bind: dataType.rawValue), \(bind: kind),
            \(bind: encodeJSON(mapping)), \(bind: value.map { $0.jsonString() }), \(bind: fileBlob), \(bind: fileName))
        """
    }

    static func chunks(_ rows: [SQLQueryString]) -> [ArraySlice<SQLQueryString>] {
        stride(from: 0, to: rows.count, by: rowsPerStatement).map { rows[$0..<min($0 + rowsPerStatement, rows.count)] }
    }
}
