import Foundation

/// The resident worker processes serving one model version in a deployment, and the batching
/// in front of them: rows of calls that arrive while every replica is busy are sent together in
/// one model call as soon as a replica is free, so an idle deployment adds no delay and a busy
/// one makes fewer, larger calls.
actor ModelReplicaSet {
    struct Replica {
        var key: String
        var ready = false
        var busy = false
    }

    private struct Pending {
        var rows: [JSONValue]
        /// Sent on its own (after a merged batch was refused for bad data, to find the culprit).
        var alone: Bool
        var continuation: CheckedContinuation<[JSONValue], any Error>
    }

    let modelName: String
    private let pool: any ResidentWorkerPool
    private let maxRows: Int
    private let timeout: Duration
    private var replicas: [Replica]
    private var pending: [Pending] = []
    private var next = 0
    private(set) var calls = 0
    private(set) var rowsServed = 0
    /// Serving time of finished model calls since the last `sampleBusyFraction`.
    private var busy: Duration = .zero
    private var sampledAt = ContinuousClock.now

    init(modelName: String, replicaKeys: [String], pool: any ResidentWorkerPool, maxRows: Int, timeout: Duration) {
        self.modelName = modelName
        self.pool = pool
        self.maxRows = max(1, maxRows)
        self.timeout = timeout
        replicas = replicaKeys.map { Replica(key: $0) }
    }

    var keys: [String] { replicas.map(\.key) }
    var count: Int { replicas.count }

    /// A new replica (not ready until its worker says so).
    func add(_ key: String) {
        replicas.append(Replica(key: key))
    }

    /// Takes an idle replica out (a busy one only when all are busy) and returns its key; the
    /// last replica stays.
    func removeOne() -> String? {
        guard replicas.count > 1 else { return nil }
        let index = replicas.lastIndex { !$0.busy } ?? replicas.count - 1
        return replicas.remove(at: index).key
    }

    /// The share of the time since the last sample that the ready replicas spent serving (0…1).
    func sampleBusyFraction() -> Double {
        let now = ContinuousClock.now
        let wall = now - sampledAt
        let ready = max(1, readyCount)
        let fraction = wall > .zero ? Double(busy.components.attoseconds / 1_000_000_000 + busy.components.seconds * 1_000_000_000)
            / (Double(wall.components.attoseconds / 1_000_000_000 + wall.components.seconds * 1_000_000_000) * Double(ready)) : 0
        busy = .zero
        sampledAt = now
        return min(1, max(0, fraction))
    }
    var readyCount: Int { replicas.filter(\.ready).count }

    /// Mean rows per model call so far.
    var meanBatchRows: Double { calls == 0 ? 0 : Double(rowsServed) / Double(calls) }

    func setReady(_ key: String, _ ready: Bool) {
        guard let index = replicas.firstIndex(where: { $0.key == key }) else { return }
        replicas[index].ready = ready
        if !ready { replicas[index].busy = false }
        pump()
    }

    /// Runs the model on `rows` (one output row per input row).
    func infer(_ rows: [JSONValue]) async throws -> [JSONValue] {
        guard !rows.isEmpty else { return [] }
        guard readyCount > 0 else {
            throw SlipwayError(.unavailable, "model '\(modelName)' has no running replica")
        }
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(rows: rows, alone: false, continuation: continuation))
            pump()
        }
    }

    /// Fails every waiting call (the deployment is stopping).
    func cancelAll(_ error: SlipwayError) {
        let waiting = pending
        pending = []
        for item in waiting { item.continuation.resume(throwing: error) }
        for index in replicas.indices { replicas[index].ready = false }
    }

    private func pump() {
        while !pending.isEmpty {
            guard let index = idleReplica() else {
                if readyCount == 0 {
                    cancelAll(SlipwayError(.unavailable, "model '\(modelName)' has no running replica"))
                }
                return
            }
            guard case .admitted(let ticket) = pool.admit(deploymentID: replicas[index].key) else {
                replicas[index].ready = false
                continue
            }
            var batch = [pending.removeFirst()]
            var rowCount = batch[0].rows.count
            if !batch[0].alone {
                while let first = pending.first, !first.alone, rowCount + first.rows.count <= maxRows {
                    batch.append(pending.removeFirst())
                    rowCount += first.rows.count
                }
            }
            replicas[index].busy = true
            let key = replicas[index].key
            let job = ResidentJob(executionID: "inference-\(UUID().uuidString.lowercased())",
                                  arguments: ["records": .array(batch.flatMap(\.rows))], fileArguments: [:], timeout: timeout)
            calls += 1
            rowsServed += rowCount
            Task {
                let started = ContinuousClock.now
                let outcome = await pool.run(ticket, job: job, log: { _ in })
                self.complete(batch, key: key, outcome: outcome, took: ContinuousClock.now - started)
            }
        }
    }

    private func idleReplica() -> Int? {
        guard !replicas.isEmpty else { return nil }
        for offset in 0..<replicas.count {
            let index = (next + offset) % replicas.count
            if replicas[index].ready, !replicas[index].busy {
                next = (index + 1) % replicas.count
                return index
            }
        }
        return nil
    }

    private func complete(_ batch: [Pending], key: String, outcome: WorkerOutcome, took: Duration) {
        busy += took
        if let index = replicas.firstIndex(where: { $0.key == key }) { replicas[index].busy = false }
        switch outcome {
        case .returned(let result):
            let total = batch.reduce(0) { $0 + $1.rows.count }
            guard case .array(let rows)? = result["records"], rows.count == total else {
                fail(batch, SlipwayError(.internal, "model '\(modelName)' returned \(Self.count(result["records"])) rows "
                    + "for \(total) input rows: every input row needs exactly one output row"))
                break
            }
            var offset = 0
            for item in batch {
                item.continuation.resume(returning: Array(rows[offset..<offset + item.rows.count]))
                offset += item.rows.count
            }
        case .raised(let type, let message) where type.hasSuffix("InferenceDataError"):
            if batch.count == 1 {
                batch[0].continuation.resume(throwing: SlipwayError.badRequest(ServingService.withoutPaths(message),
                    details: .object(["model": .string(modelName)])))
            } else {
                pending.insert(contentsOf: batch.map { Pending(rows: $0.rows, alone: true, continuation: $0.continuation) }, at: 0)
            }
        case .raised(let type, let message):
            fail(batch, SlipwayError(.internal, "model '\(modelName)' raised \(type): \(ServingService.withoutPaths(message))"))
        case .timedOut(let limit):
            fail(batch, SlipwayError(.unavailable, "model '\(modelName)' did not answer within \(limit)"))
        case .crashed(let reason):
            fail(batch, SlipwayError(.unavailable, "the process of model '\(modelName)' stopped: \(reason)"))
        case .unavailable(let reason):
            fail(batch, SlipwayError(.unavailable, "model '\(modelName)' is not available: \(reason)"))
        }
        pump()
    }

    private func fail(_ batch: [Pending], _ error: SlipwayError) {
        for item in batch { item.continuation.resume(throwing: error) }
    }

    private static func count(_ value: JSONValue?) -> String {
        if case .array(let rows)? = value { return "\(rows.count)" }
        return "no"
    }
}
