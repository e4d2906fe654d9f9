import Foundation
import SQLKit
import SlipwayCore

extension SQLMetadataStore: ExecutionStore {
    public func insertExecution(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput]) async throws {
        try await transaction { db in
            try await db.raw("""
                INSERT INTO executions (id, workspace_id, pipeline_id, pipeline_name, step_id, deployment_name, trigger,
                    status, created_at, created_by, started_at, ended_at, failure_message)
                VALUES (\(bind: execution.id), \(bind: execution.workspaceID), \(bind: execution.pipelineID),
                    \(bind: execution.pipelineName), \(bind: execution.stepID), \(bind: execution.deploymentName),
                    \(bind: execution.trigger.rawValue), \(bind: execution.status.rawValue),
                    \(bind: execution.createdAt.timeIntervalSince1970), \(bind: execution.createdBy),
                    \(bind: execution.startedAt?.timeIntervalSince1970), \(bind: execution.endedAt?.timeIntervalSince1970),
                    \(bind: execution.failureMessage))
                """).run()
            for (position, input) in inputs.enumerated() {
                try await db.raw("""
                    INSERT INTO execution_inputs (execution_id, position, name, data_type, source, mapping_json, value_json,
                        file_blob, file_name)
                    VALUES (\(bind: execution.id), \(bind: position), \(bind: input.name), \(bind: input.dataType.rawValue),
                        \(bind: input.source.rawValue), \(bind: encodeJSON(input.mappingValue)),
                        \(bind: input.value.map { $0.jsonString() }), \(bind: input.fileBlob), \(bind: input.fileName))
                    """).run()
            }
            for (position, output) in outputs.enumerated() {
                try await db.raw("""
                    INSERT INTO execution_outputs (execution_id, position, name, data_type, destination, mapping_json,
                        value_json, file_blob, file_name)
                    VALUES (\(bind: execution.id), \(bind: position), \(bind: output.name), \(bind: output.dataType.rawValue),
                        \(bind: output.destination.rawValue), \(bind: encodeJSON(output.mappingValue)),
                        \(bind: output.value.map { $0.jsonString() }), \(bind: output.fileBlob), \(bind: output.fileName))
                    """).run()
            }
        }
    }

    public func execution(workspaceID: String, id: String) async throws -> Execution? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM executions WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first().map(Self.execution(from:))
        }
    }

    public func execution(id: String) async throws -> Execution? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM executions WHERE id = \(bind: id)").first().map(Self.execution(from:))
        }
    }

    public func listExecutions(workspaceID: String, pipelineName: String?) async throws -> [Execution] {
        try await withDatabase { db in
            let rows: [any SQLRow]
            if let pipelineName {
                rows = try await db.raw("""
                    SELECT * FROM executions WHERE workspace_id = \(bind: workspaceID) AND pipeline_name = \(bind: pipelineName)
                    ORDER BY created_at DESC
                    """).all()
            } else {
                rows = try await db.raw("SELECT * FROM executions WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at DESC")
                    .all()
            }
            return try rows.map(Self.execution(from:))
        }
    }

    public func latestExecution(workspaceID: String, pipelineName: String) async throws -> Execution? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM executions WHERE workspace_id = \(bind: workspaceID) AND pipeline_name = \(bind: pipelineName)
                ORDER BY created_at DESC LIMIT 1
                """).first().map(Self.execution(from:))
        }
    }

    static func execution(from row: any SQLRow) throws -> Execution {
        Execution(id: try row.string("id"), workspaceID: try row.string("workspace_id"),
                  pipelineID: try row.string("pipeline_id"), pipelineName: try row.string("pipeline_name"),
                  stepID: try row.string("step_id"), deploymentName: try row.optionalString("deployment_name"),
                  trigger: ExecutionTrigger(rawValue: try row.string("trigger")) ?? .run,
                  status: ExecutionStatus(rawValue: try row.string("status")) ?? .error,
                  createdAt: try row.date("created_at"), createdBy: try row.string("created_by"),
                  startedAt: try row.optionalDate("started_at"), endedAt: try row.optionalDate("ended_at"),
                  failureMessage: try row.optionalString("failure_message"))
    }

    public func inputs(executionID: String) async throws -> [ExecutionInput] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM execution_inputs WHERE execution_id = \(bind: executionID) ORDER BY position")
                .all().map { row in
                    ExecutionInput(
                        name: try row.string("name"), dataType: IODataType(rawValue: try row.string("data_type")) ?? .json,
                        source: InputSourceKind(rawValue: try row.string("source")) ?? .run,
                        mappingValue: try row.json("mapping_json", as: [String: JSONValue].self),
                        value: try row.optionalString("value_json").map { try JSONValue.parse($0) },
                        fileBlob: try row.optionalString("file_blob"), fileName: try row.optionalString("file_name"))
                }
        }
    }

    public func outputs(executionID: String) async throws -> [ExecutionOutput] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM execution_outputs WHERE execution_id = \(bind: executionID) ORDER BY position")
                .all().map { row in
                    ExecutionOutput(
                        name: try row.string("name"), dataType: IODataType(rawValue: try row.string("data_type")) ?? .json,
                        destination: OutputDestinationKind(rawValue: try row.string("destination")) ?? .run,
                        mappingValue: try row.json("mapping_json", as: [String: JSONValue].self),
                        value: try row.optionalString("value_json").map { try JSONValue.parse($0) },
                        fileBlob: try row.optionalString("file_blob"), fileName: try row.optionalString("file_name"))
                }
        }
    }

    public func updateExecutionStatus(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date,
                                      message: String?) async throws -> Bool {
        try await withDatabase { db in
            let time = at.timeIntervalSince1970
            let started: Double? = to == .running ? time : nil
            let ended: Double? = to.isFinal ? time : nil
            let rows = try await db.raw("""
                UPDATE executions SET status = \(bind: to.rawValue),
                    started_at = COALESCE(\(bind: started), started_at), ended_at = COALESCE(\(bind: ended), ended_at),
                    failure_message = COALESCE(\(bind: message), failure_message)
                WHERE id = \(bind: id) AND status = \(bind: from.rawValue) RETURNING id
                """).all()
            return !rows.isEmpty
        }
    }

    public func saveOutputs(executionID: String, outputs: [ExecutionOutput]) async throws {
        try await transaction { db in
            for output in outputs {
                try await db.raw("""
                    UPDATE execution_outputs SET value_json = \(bind: output.value.map { $0.jsonString() }),
                        file_blob = \(bind: output.fileBlob), file_name = \(bind: output.fileName),
                        mapping_json = \(bind: encodeJSON(output.mappingValue))
                    WHERE execution_id = \(bind: executionID) AND name = \(bind: output.name)
                    """).run()
            }
        }
    }

    public func deleteExecution(id: String) async throws {
        try await transaction { db in
            for table in ["execution_inputs", "execution_outputs", "metrics", "list_metric_batches", "tokens"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE execution_id = \(bind: id)").run()
            }
            try await db.raw("DELETE FROM executions WHERE id = \(bind: id)").run()
        }
    }

    public func unfinishedExecutions() async throws -> [Execution] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM executions WHERE status IN ('Pending', 'Running')").all().map(Self.execution(from:))
        }
    }

    public func appendLogs(_ lines: [LogLine], subject: LogSubject) async throws {
        guard !lines.isEmpty else { return }
        try await transaction { db in
            for chunk in stride(from: 0, to: lines.count, by: 200) {
                let slice = lines[chunk..<min(chunk + 200, lines.count)]
                var query = SQLQueryString("INSERT INTO log_lines (subject_type, subject_id, ts, stream, message) VALUES ")
                for (index, line) in slice.enumerated() {
                    if index > 0 { query.appendLiteral(", ") }
                    query += "(\(bind: subject.type), \(bind: subject.id), \(bind: line.timestamp.timeIntervalSince1970), \(bind: line.stream.rawValue), \(bind: line.message))" as SQLQueryString
                }
                try await db.raw(query).run()
            }
        }
    }

    public func logs(subject: LogSubject, query: LogQuery) async throws -> [LogLine] {
        try await withDatabase { db in
            let from = query.from?.timeIntervalSince1970 ?? -1
            let to = query.to?.timeIntervalSince1970 ?? 1e12
            let limit = min(max(query.limit ?? 100_000, 0), 100_000)
            return try await db.raw("""
                SELECT ts, stream, message FROM log_lines
                WHERE subject_type = \(bind: subject.type) AND subject_id = \(bind: subject.id)
                  AND ts >= \(bind: from) AND ts <= \(bind: to)
                ORDER BY id LIMIT \(bind: limit)
                """).all().map { row in
                    LogLine(timestamp: try row.date("ts"), stream: LogLine.Stream(rawValue: try row.string("stream")) ?? .stdout,
                            message: try row.string("message"))
                }
        }
    }

    public func deleteLogs(subject: LogSubject) async throws {
        try await withDatabase { db in
            try await db.raw("DELETE FROM log_lines WHERE subject_type = \(bind: subject.type) AND subject_id = \(bind: subject.id)")
                .run()
        }
    }
}
