import Foundation
import SQLKit
import SlipwayCore

/// `ExecutionStore` on SQL.
extension SQLMetadataStore {
    public func recordExecution(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput],
                                logs: [LogLine]) async throws {
        var operations: [ExecutionWrite] = []
        if !logs.isEmpty { operations.append(.logs(logs, .execution(execution.id))) }
        operations.append(.insert(execution, inputs, outputs))
        _ = try await backend.submit(operations)
    }

    public func insertExecution(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput]) async throws {
        _ = try await backend.submit([.insert(execution, inputs, outputs)])
    }

    public func execution(workspaceID: String, id: String) async throws -> Execution? {
        try await readingExecutions { db in
            try await db.raw("SELECT * FROM executions WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first().map(Self.execution(from:))
        }
    }

    public func execution(id: String) async throws -> Execution? {
        try await readingExecutions { db in
            try await db.raw("SELECT * FROM executions WHERE id = \(bind: id)").first().map(Self.execution(from:))
        }
    }

    public func listExecutions(workspaceID: String, pipelineName: String?) async throws -> [Execution] {
        try await readingExecutions { db in
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

    public func executionPage(_ query: ExecutionQuery) async throws -> ExecutionPage {
        var filter: SQLQueryString = " WHERE workspace_id = \(bind: query.workspaceID)"
        if let name = query.pipelineName { filter += " AND pipeline_name = \(bind: name)" as SQLQueryString }
        if let name = query.deploymentName { filter += " AND deployment_name = \(bind: name)" as SQLQueryString }
        if let status = query.status { filter += " AND status = \(bind: status.rawValue)" as SQLQueryString }
        if let trigger = query.trigger { filter += " AND trigger = \(bind: trigger.rawValue)" as SQLQueryString }
        if let from = query.createdFrom { filter += " AND created_at >= \(bind: from.timeIntervalSince1970)" as SQLQueryString }
        if let before = query.createdBefore {
            filter += " AND created_at < \(bind: before.timeIntervalSince1970)" as SQLQueryString
        }
        let direction = query.descending ? "DESC" : "ASC"
        let column: String? = switch query.sort {
        case .createdAt: nil
        case .pipeline: "pipeline_name"
        case .status: "status"
        case .trigger: "trigger"
        }
        let order = (column.map { ["\($0) \(direction)"] } ?? []) + ["created_at \(direction)", "id \(direction)"]
        let select: SQLQueryString = "SELECT * FROM executions" + filter
            + " ORDER BY \(unsafeRaw: order.joined(separator: ", ")) LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)"
        let count: SQLQueryString = "SELECT COUNT(*) AS total FROM executions" + filter
        return try await readingExecutions { db in
            let rows = try await db.raw(select).all()
            let total = try await db.raw(count).first().map { try $0.decode(column: "total", as: Int.self) } ?? 0
            return ExecutionPage(executions: try rows.map(Self.execution(from:)), total: total)
        }
    }

    public func latestExecution(workspaceID: String, pipelineName: String) async throws -> Execution? {
        try await readingExecutions { db in
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
        try await readingExecutions { db in
            try await db.raw("SELECT * FROM execution_inputs WHERE execution_id = \(bind: executionID) ORDER BY position")
                .all().map { row in
                    ExecutionInput(
                        name: try row.string("name"), dataType: IODataType(rawValue: try row.string("data_type")) ?? .json,
                        source: try Self.source(kind: try row.string("source"),
                                                parameters: try row.json("mapping_json", as: [String: JSONValue].self)),
                        value: try row.optionalString("value_json").map { try JSONValue.parse($0) },
                        fileBlob: try row.optionalString("file_blob"), fileName: try row.optionalString("file_name"))
                }
        }
    }

    public func outputs(executionID: String) async throws -> [ExecutionOutput] {
        try await readingExecutions { db in
            try await db.raw("SELECT * FROM execution_outputs WHERE execution_id = \(bind: executionID) ORDER BY position")
                .all().map { row in
                    ExecutionOutput(
                        name: try row.string("name"), dataType: IODataType(rawValue: try row.string("data_type")) ?? .json,
                        destination: try Self.destination(kind: try row.string("destination"),
                                                          parameters: try row.json("mapping_json", as: [String: JSONValue].self)),
                        value: try row.optionalString("value_json").map { try JSONValue.parse($0) },
                        fileBlob: try row.optionalString("file_blob"), fileName: try row.optionalString("file_name"))
                }
        }
    }

    public func updateExecutionStatus(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date,
                                      message: String?) async throws -> Bool {
        try await backend.submit([.status(id: id, from: from, to: to, at: at, message: message)])
    }

    public func finishExecution(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date, message: String?,
                                outputs: [ExecutionOutput], logs: [LogLine]) async throws -> Bool {
        try await backend.submit([.finish(id: id, from: from, to: to, at: at, message: message, outputs: outputs,
                                          logs: logs)])
    }

    public func saveOutputs(executionID: String, outputs: [ExecutionOutput]) async throws {
        _ = try await backend.submit([.outputs(executionID: executionID, outputs)])
    }

    public func deleteExecution(id: String) async throws {
        try await backend.executionWriteBarrier()
        try await sqlTransaction { db in
            for table in ["execution_inputs", "execution_outputs", "metrics", "list_metric_batches", "tokens"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE execution_id = \(bind: id)").run()
            }
            try await db.raw("DELETE FROM executions WHERE id = \(bind: id)").run()
        }
    }

    public func unfinishedExecutions() async throws -> [Execution] {
        try await readingExecutions { db in
            try await db.raw("""
                SELECT * FROM executions
                WHERE status IN (\(bind: ExecutionStatus.pending.rawValue), \(bind: ExecutionStatus.running.rawValue))
                """).all().map(Self.execution(from:))
        }
    }

    public func appendLogs(_ lines: [LogLine], subject: LogSubject) async throws {
        guard !lines.isEmpty else { return }
        _ = try await backend.submit([.logs(lines, subject)])
    }

    public func logs(subject: LogSubject, query: LogQuery) async throws -> [LogLine] {
        try await readingExecutions { db in
            let from = query.from?.timeIntervalSince1970 ?? -1
            let to = query.to?.timeIntervalSince1970 ?? 1e12
            let limit = min(max(query.limit ?? 100_000, 0), 100_000)
            // The message is read as bytes, NULs included (see `StoreDialect.logMessageBytes`).
            return try await db.raw("""
                SELECT ts, stream, \(dialect.logMessageBytes) FROM log_lines
                WHERE subject_type = \(bind: subject.type) AND subject_id = \(bind: subject.id)
                  AND ts >= \(bind: from) AND ts <= \(bind: to)
                ORDER BY id LIMIT \(bind: limit)
                """).all().map { row in
                    LogLine(timestamp: try row.date("ts"), stream: LogLine.Stream(rawValue: try row.string("stream")) ?? .stdout,
                            message: String(decoding: try row.decode(column: "message", as: Data.self), as: UTF8.self))
                }
        }
    }

    public func deleteLogs(subject: LogSubject) async throws {
        try await withDatabase { db in
            try await db.raw("DELETE FROM log_lines WHERE subject_type = \(bind: subject.type) AND subject_id = \(bind: subject.id)")
                .run()
        }
    }

    static func source(kind: String, parameters: [String: JSONValue]) throws -> InputSource {
        guard let kind = InputSource.Kind(rawValue: kind), let source = InputSource(kind: kind, parameters: parameters) else {
            throw SlipwayError.internal("unreadable stored input source '\(kind)'")
        }
        return source
    }

    static func destination(kind: String, parameters: [String: JSONValue]) throws -> OutputDestination {
        guard let kind = OutputDestination.Kind(rawValue: kind),
              let destination = OutputDestination(kind: kind, parameters: parameters) else {
            throw SlipwayError.internal("unreadable stored output destination '\(kind)'")
        }
        return destination
    }
}
