import Foundation
import SQLKit
import SlipwayCore

/// Group commit for the execution write path. Concurrent executions submit their writes
/// (new execution with its I/O, status changes, outputs, log lines); whoever finds no batch
/// running drains everything pending into **one** transaction, with one multi-row statement
/// per table for inserts. Every caller resumes only after the transaction that holds its write
/// has committed: what a call returned is durable and visible to later reads.
final class ExecutionWriteBatcher: @unchecked Sendable {
    typealias Operation = ExecutionWrite

    private struct Pending {
        var operation: Operation
        /// Nil for the leading operations of a `submit(all:)`, whose caller waits on the last one.
        var continuation: CheckedContinuation<Bool, any Error>?
    }

    private let lock = NSLock()
    private var pending: [Pending] = []
    private var draining = false
    /// Most operations per transaction.
    let maxBatch = 2048

    /// Submits one write; returns after its batch committed (`status` returns whether it applied).
    /// Every write has a waiting caller, so a batch never waits for company: it takes what is
    /// pending when the previous transaction ends, and an idle store commits at once.
    func submit(_ operation: Operation, backend: SQLiteBackend) async throws -> Bool {
        try await submit(all: [operation], backend: backend)
    }

    /// Submits writes that go into the same transaction (unless it would exceed `maxBatch`);
    /// returns after it committed, with whether the last one applied.
    func submit(all operations: [Operation], backend: SQLiteBackend) async throws -> Bool {
        precondition(!operations.isEmpty)
        return try await withCheckedThrowingContinuation { continuation in
            let start = lock.withLock {
                for operation in operations.dropLast() { pending.append(Pending(operation: operation, continuation: nil)) }
                pending.append(Pending(operation: operations[operations.count - 1], continuation: continuation))
                if draining { return false }
                draining = true
                return true
            }
            if start { Task(executorPreference: CommitExecutor.shared) { await self.drain(backend: backend) } }
        }
    }

    /// Returns once every write submitted so far has committed (at once when none is pending).
    func barrier(backend: SQLiteBackend) async throws {
        guard lock.withLock({ draining || !pending.isEmpty }) else { return }
        _ = try await submit(.barrier, backend: backend)
    }

    private func drain(backend: SQLiteBackend) async {
        while true {
            let batch: [Pending] = lock.withLock {
                let taken = Array(pending.prefix(maxBatch))
                pending.removeFirst(taken.count)
                if taken.isEmpty { draining = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                let results = try await backend.transaction { db in try await Self.apply(batch.map(\.operation), db: db) }
                for (item, applied) in zip(batch, results) { item.continuation?.resume(returning: applied) }
            } catch {
                // Isolate the failing write: each one again in its own transaction.
                for item in batch {
                    do {
                        let result = try await backend.transaction { db in try await Self.apply([item.operation], db: db) }
                        item.continuation?.resume(returning: result.first ?? false)
                    } catch {
                        if let continuation = item.continuation {
                            continuation.resume(throwing: error)
                        } else {
                            backend.logger.error("an execution write failed: \(error)")
                        }
                    }
                }
            }
        }
    }

    /// Applies a batch in order of kind: inserts first (an update always follows its insert in
    /// time), then status changes in submission order, then outputs and logs. An execution
    /// inserted and finished in the same batch is inserted finished (one write instead of three),
    /// and runs of finishes become one multi-row statement.
    static func apply(_ operations: [Operation], db: any SQLDatabase) async throws -> [Bool] {
        var results = Array(repeating: true, count: operations.count)
        var operations = operations
        let folded = foldTransitionsIntoInserts(&operations)
        var executions: [Execution] = []
        var inputs: [(String, Int, ExecutionInput)] = []
        var outputs: [(String, Int, ExecutionOutput)] = []
        var logs: [(LogLine, LogSubject)] = []
        for operation in operations {
            switch operation {
            case .insert(let execution, let executionInputs, let executionOutputs):
                executions.append(execution)
                inputs += executionInputs.enumerated().map { (execution.id, $0.offset, $0.element) }
                outputs += executionOutputs.enumerated().map { (execution.id, $0.offset, $0.element) }
            case .logs(let lines, let subject):
                logs += lines.map { ($0, subject) }
            default:
                break
            }
        }
        logs += folded
        if !executions.isEmpty {
            var rows = JSONRows()
            for e in executions {
                rows.beginRow()
                rows.text(e.id); rows.text(e.workspaceID); rows.text(e.pipelineID); rows.text(e.pipelineName)
                rows.text(e.stepID); rows.text(e.deploymentName); rows.text(e.trigger.rawValue)
                rows.text(e.status.rawValue); rows.number(e.createdAt.timeIntervalSince1970); rows.text(e.createdBy)
                rows.number(e.startedAt?.timeIntervalSince1970); rows.number(e.endedAt?.timeIntervalSince1970)
                rows.text(e.failureMessage)
            }
            try await db.raw("""
                INSERT INTO executions (id, workspace_id, pipeline_id, pipeline_name, step_id, deployment_name, trigger,
                    status, created_at, created_by, started_at, ended_at, failure_message)
                SELECT \(unsafeRaw: JSONRows.selectList(columns: 13)) FROM jsonb_each(\(bind: rows.json))
                """).run()
        }
        if !inputs.isEmpty {
            var rows = JSONRows()
            for (id, position, input) in inputs {
                ioRow(&rows, executionID: id, position: position, name: input.name, dataType: input.dataType,
                      kind: input.source.kind.rawValue, mapping: input.source.parameters, value: input.value,
                      fileBlob: input.fileBlob, fileName: input.fileName)
            }
            try await db.raw("""
                INSERT INTO execution_inputs (execution_id, position, name, data_type, source, mapping_json, value_json,
                    file_blob, file_name)
                SELECT \(unsafeRaw: JSONRows.selectList(columns: 9)) FROM jsonb_each(\(bind: rows.json))
                """).run()
        }
        if !outputs.isEmpty {
            try await db.raw(outputRows(outputs, onConflict: "DO NOTHING")).run()
        }
        var finalOutputs: [(String, Int, ExecutionOutput)] = []
        var finishLogs: [(LogLine, LogSubject)] = []
        // Consecutive status changes of distinct executions, applied together in submission order.
        var run: [(index: Int, Transition)] = []
        var runIDs: Set<String> = []
        func flushRun() async throws {
            guard !run.isEmpty else { return }
            let applied = try await applyTransitions(run.map(\.1), db: db)
            for (index, transition) in run {
                results[index] = applied.contains(transition.id)
                if results[index] {
                    finalOutputs += transition.outputs.enumerated().map { (transition.id, $0.offset, $0.element) }
                    finishLogs += transition.logs.map { ($0, LogSubject.execution(transition.id)) }
                }
            }
            run.removeAll()
            runIDs.removeAll()
        }
        for (index, operation) in operations.enumerated() {
            guard let transition = Transition(operation) else {
                if case .outputs(let id, let produced) = operation {
                    finalOutputs += produced.enumerated().map { (id, $0.offset, $0.element) }
                }
                continue
            }
            if runIDs.contains(transition.id) { try await flushRun() }
            run.append((index, transition))
            runIDs.insert(transition.id)
        }
        try await flushRun()
        // Outputs are written whole: planned ones at insert, produced ones replace them.
        if !finalOutputs.isEmpty {
            try await db.raw(outputRows(finalOutputs, onConflict: """
                DO UPDATE SET value_json = excluded.value_json, file_blob = excluded.file_blob,
                    file_name = excluded.file_name, mapping_json = excluded.mapping_json
                """)).run()
        }
        let allLogs = logs + finishLogs
        if !allLogs.isEmpty {
            var rows = JSONRows()
            for (line, subject) in allLogs {
                rows.beginRow()
                rows.text(subject.type); rows.text(subject.id); rows.number(line.timestamp.timeIntervalSince1970)
                rows.text(line.stream.rawValue); rows.text(line.message)
            }
            // `jsonb_each` yields rows in array order, so ids keep the order of the lines.
            try await db.raw("""
                INSERT INTO log_lines (subject_type, subject_id, ts, stream, message)
                SELECT \(unsafeRaw: JSONRows.selectList(columns: 5)) FROM jsonb_each(\(bind: rows.json))
                """).run()
        }
        return results
    }

    /// A compare-and-set status change: a plain one (`status`) or the end of an execution with
    /// its outputs and last log lines (`finish`).
    struct Transition {
        var id: String
        var from: ExecutionStatus
        var to: ExecutionStatus
        var startedAt: Date?
        var endedAt: Date?
        var message: String?
        var outputs: [ExecutionOutput] = []
        var logs: [LogLine] = []

        init?(_ operation: Operation) {
            switch operation {
            case .status(let id, let from, let to, let at, let message):
                self.id = id
                self.from = from
                self.to = to
                startedAt = to == .running ? at : nil
                endedAt = to.isFinal ? at : nil
                self.message = message
            case .finish(let id, let from, let to, let at, let message, let outputs, let logs):
                self.id = id
                self.from = from
                self.to = to
                endedAt = to.isFinal ? at : nil
                self.message = message
                self.outputs = outputs
                self.logs = logs
            default:
                return nil
            }
        }
    }

    /// One `UPDATE … FROM (VALUES …)` for transitions of distinct executions, each applied
    /// only if the execution is still in its `from` status. Returns the ids it applied to.
    static func applyTransitions(_ transitions: [Transition], db: any SQLDatabase) async throws -> Set<String> {
        var rows = JSONRows()
        for transition in transitions {
            rows.beginRow()
            rows.text(transition.id); rows.text(transition.from.rawValue); rows.text(transition.to.rawValue)
            rows.number(transition.startedAt?.timeIntervalSince1970); rows.number(transition.endedAt?.timeIntervalSince1970)
            rows.text(transition.message)
        }
        let query: SQLQueryString = """
            UPDATE executions SET status = v.to_status, started_at = COALESCE(v.started, executions.started_at),
                ended_at = COALESCE(v.ended, executions.ended_at),
                failure_message = COALESCE(v.message, executions.failure_message)
            FROM (SELECT value->>0 AS execution_id, value->>1 AS from_status, value->>2 AS to_status, value->>3 AS started,
                    value->>4 AS ended, value->>5 AS message FROM jsonb_each(\(bind: rows.json))) AS v
            WHERE executions.id = v.execution_id AND executions.status = v.from_status RETURNING id
            """
        var applied: Set<String> = []
        for row in try await db.raw(query).all() {
            applied.insert(try row.decode(column: "id", as: String.self))
        }
        return applied
    }

    /// An execution inserted in this batch is inserted in the state its following status
    /// changes lead to, as long as each one's compare-and-set holds on the state so far and no
    /// separate outputs write comes between: those changes are folded into the insert (finish
    /// outputs replace the planned ones, by name) and removed from the list. Returns the folded
    /// finishes' log lines, to be written with the batch's other lines.
    static func foldTransitionsIntoInserts(_ operations: inout [Operation]) -> [(LogLine, LogSubject)] {
        var insertAt: [String: Int] = [:]
        for (index, operation) in operations.enumerated() {
            if case .insert(let execution, _, _) = operation { insertAt[execution.id] = index }
        }
        guard !insertAt.isEmpty else { return [] }
        var logs: [(LogLine, LogSubject)] = []
        for index in operations.indices {
            if case .outputs(let id, _) = operations[index] {
                insertAt[id] = nil
                continue
            }
            guard let transition = Transition(operations[index]), let position = insertAt[transition.id],
                  position < index, case .insert(var execution, let inputs, var planned) = operations[position]
            else { continue }
            guard execution.status == transition.from else {
                insertAt[transition.id] = nil
                continue
            }
            execution.status = transition.to
            if let started = transition.startedAt { execution.startedAt = started }
            if let ended = transition.endedAt { execution.endedAt = ended }
            if let message = transition.message { execution.failureMessage = message }
            for output in transition.outputs {
                if let slot = planned.firstIndex(where: { $0.name == output.name }) {
                    planned[slot] = output
                } else {
                    planned.append(output)
                }
            }
            operations[position] = .insert(execution, inputs, planned)
            operations[index] = .barrier
            logs += transition.logs.map { ($0, LogSubject.execution(transition.id)) }
        }
        return logs
    }

    /// One row of `execution_inputs` or `execution_outputs` (same columns; `kind` is the source
    /// or the destination).
    static func ioRow(_ rows: inout JSONRows, executionID: String, position: Int, name: String, dataType: IODataType,
                      kind: String, mapping: [String: JSONValue], value: JSONValue?, fileBlob: String?, fileName: String?) {
        rows.beginRow()
        rows.text(executionID); rows.integer(position); rows.text(name); rows.text(dataType.rawValue)
        rows.text(kind); rows.text(encodeJSON(mapping))
        rows.text(value.map { $0.jsonString() }); rows.text(fileBlob); rows.text(fileName)
    }

    /// `INSERT INTO execution_outputs … ON CONFLICT (execution_id, name) <onConflict>` for `outputs`.
    static func outputRows(_ outputs: [(String, Int, ExecutionOutput)], onConflict: String) -> SQLQueryString {
        var rows = JSONRows()
        for (id, position, output) in outputs {
            ioRow(&rows, executionID: id, position: position, name: output.name, dataType: output.dataType,
                  kind: output.destination.kind.rawValue, mapping: output.destination.parameters, value: output.value,
                  fileBlob: output.fileBlob, fileName: output.fileName)
        }
        // `WHERE true` tells SQLite's parser the `ON` that follows starts the upsert, not a join.
        return """
            INSERT INTO execution_outputs (execution_id, position, name, data_type, destination, mapping_json,
                value_json, file_blob, file_name)
            SELECT \(unsafeRaw: JSONRows.selectList(columns: 9)) FROM jsonb_each(\(bind: rows.json)) WHERE true
            ON CONFLICT (execution_id, name) \(unsafeRaw: onConflict)
            """
    }
}
