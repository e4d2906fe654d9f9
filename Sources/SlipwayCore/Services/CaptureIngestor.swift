import Foundation
import Synchronization

/// Ingests the capture files written under bound folders (`CaptureBinding`) into their models,
/// once per (binding, path, version):
///
/// - when the data store stores an object (`objectStored`), in the background: the write
///   never waits for ingestion;
/// - on every scan (`scan`, run by the one scheduler at start and then periodically), for the
///   files written since their binding that have no record yet, or whose attempt is pending
///   with an expired claim (a node that died mid-way, or an attempt that failed for a reason
///   that may pass: the store, the blob store).
///
/// Each attempt first claims the file's record in the store (so two nodes, or a write and a
/// scan, never both ingest it), then stores the inferences and the record's outcome in one
/// transaction that checks the claim is still its own: either both commit or neither does,
/// so a crash at any point leaves the file to be ingested again, never twice. A file that is
/// not capture data, above the size limit, or whose model is gone is recorded `failed` with
/// the reason and not retried; a file whose attempts kept failing for passing reasons is
/// recorded `failed` after `maximumAttempts`.
public final class CaptureIngestor: Sendable {
    let platform: Platform
    let monitoring: MonitoringService
    /// How long a claim holds before another attempt may take the file over.
    let claimLease: TimeInterval
    let maximumAttempts: Int
    /// Files being ingested by this process (a scan does not retake its own running attempts).
    private let running = Mutex<Set<String>>([])
    /// Background ingestions at once (each holds a file in memory).
    private let gate: SlotGate
    /// Background scans (`startScan`), one at a time.
    private let scanning = SingleFlight()

    public static let defaultClaimLease: TimeInterval = 60
    public static let defaultMaximumAttempts = 5
    /// Objects listed per page when a folder is scanned.
    static let scanPageSize = 1000

    public init(platform: Platform, monitoring: MonitoringService, claimLease: TimeInterval = defaultClaimLease,
                maximumAttempts: Int = defaultMaximumAttempts, concurrentIngestions: Int = 2) {
        self.platform = platform
        self.monitoring = monitoring
        self.claimLease = max(1, claimLease)
        self.maximumAttempts = max(1, maximumAttempts)
        gate = SlotGate(limit: concurrentIngestions)
    }

    var store: any MetadataStore { platform.store }

    /// Called by the data store after it stored `object`: ingests it, in the background, into
    /// every model whose bound folder holds it. A failure here is left to the next scan.
    public func objectStored(_ object: DataObject) {
        guard CaptureBinding.isCaptureFile(object.path) else { return }
        Task { await self.ingestStored(object) }
    }

    /// Ingests `object` into every binding that covers it (awaitable form of `objectStored`).
    public func ingestStored(_ object: DataObject) async {
        let bindings: [CaptureBinding]
        do {
            bindings = try await store.captureBindings(workspaceID: object.workspaceID)
        } catch {
            platform.logger.warning("capture bindings could not be read for '\(object.path)'; the next scan retries: \(error)")
            return
        }
        for binding in bindings where Self.isDue(object, for: binding) {
            _ = await ingest(object, for: binding)
        }
    }

    /// Starts a scan in the background unless one is still running (the scheduler calls it).
    public func startScan() {
        scanning.start { await self.scan() }
    }

    /// Looks at every bound folder and ingests the files that are due; returns how many files it
    /// attempted. Errors are logged: the next scan starts again.
    @discardableResult
    public func scan() async -> Int {
        let bindings: [CaptureBinding]
        do {
            bindings = try await store.allCaptureBindings()
        } catch {
            platform.logger.error("capture scan could not list the bindings: \(error)")
            return 0
        }
        var attempted = 0
        for binding in bindings {
            do {
                attempted += try await scan(binding)
            } catch {
                platform.logger.error("capture scan of folder '\(binding.folder)' failed: \(error)")
            }
        }
        return attempted
    }

    private func scan(_ binding: CaptureBinding) async throws -> Int {
        var attempted = 0
        var after: String?
        while true {
            let page = try await store.listObjects(workspaceID: binding.workspaceID, prefix: binding.folder, after: after,
                                                   limit: Self.scanPageSize)
            let candidates = page.filter { Self.isDue($0, for: binding) }
            if !candidates.isEmpty {
                let records = try await store.captureIngestions(bindingID: binding.id, paths: candidates.map(\.path))
                let byKey = Dictionary(records.map { ($0.path + "\n" + $0.version, $0) }, uniquingKeysWith: { first, _ in first })
                let now = platform.now()
                for object in candidates where byKey[object.path + "\n" + object.etag].map({ $0.isRetryable(at: now) }) ?? true {
                    attempted += 1
                    _ = await ingest(object, for: binding)
                }
            }
            guard page.count == Self.scanPageSize, let last = page.last else { return attempted }
            after = last.path
        }
    }

    /// Whether the binding ingests this object: a capture file in its folder, written after it was bound.
    static func isDue(_ object: DataObject, for binding: CaptureBinding) -> Bool {
        object.workspaceID == binding.workspaceID && binding.covers(path: object.path)
            && object.lastModified >= binding.createdAt
    }

    /// One attempt at one file for one binding; returns the status it left the record in, or nil
    /// when the file was not this attempt's to ingest (claimed elsewhere, or already final).
    @discardableResult
    public func ingest(_ object: DataObject, for binding: CaptureBinding) async -> CaptureIngestion.Status? {
        let key = binding.id + "\n" + object.path + "\n" + object.etag
        guard running.withLock({ $0.insert(key).inserted }) else { return nil }
        defer { _ = running.withLock { $0.remove(key) } }
        do {
            try await gate.enter()
        } catch {
            return nil
        }
        defer { gate.leave() }

        let token = UUID().uuidString.lowercased()
        let now = platform.now()
        let claim = CaptureIngestion(
            bindingID: binding.id, workspaceID: binding.workspaceID, modelID: binding.modelID, path: object.path,
            version: object.etag, size: object.size, claimToken: token, claimedUntil: now.addingTimeInterval(claimLease),
            createdAt: now, updatedAt: now)
        let claimed: CaptureIngestion
        do {
            guard let taken = try await store.claimCaptureIngestion(claim, now: now) else { return nil }
            claimed = taken
        } catch {
            platform.logger.warning("capture file '\(object.path)' could not be claimed; the next scan retries: \(error)")
            return nil
        }
        do {
            let finished = try await attempt(claimed, object: object, binding: binding, token: token)
            return finished?.status
        } catch {
            return await release(claimed, token: token, after: error)
        }
    }

    /// Reads and ingests the claimed file. Refusals of the file itself end as a `failed` record;
    /// anything else is thrown (the caller releases the claim for a later attempt).
    private func attempt(_ claimed: CaptureIngestion, object: DataObject, binding: CaptureBinding, token: String) async throws
        -> CaptureIngestion? {
        let limit = platform.limits.maxMonitoringFileBytes
        guard object.size <= Int64(limit) else {
            return try await fail(claimed, token: token,
                                  "the file is \(object.size) bytes, above the \(limit)-byte limit of capture files")
        }
        guard let model = try await store.monitoredModel(id: binding.modelID) else {
            return try await fail(claimed, token: token, "model '\(binding.modelID)' no longer exists")
        }
        let platform = platform
        do {
            guard let data = try await read(object, limit: limit) else {
                return try await fail(claimed, token: token, "the file was replaced or deleted before it could be read")
            }
            return try await store.transaction { tx in
                var scoped = platform
                scoped.store = tx
                let report = try await MonitoringService(platform: scoped).ingestDataCapture(data, into: model)
                let finished = Self.outcome(of: report, claimed: claimed, at: platform.now())
                guard try await tx.finishCaptureIngestion(finished, claimToken: token) else { throw ClaimLost() }
                return finished
            }
        } catch is ClaimLost {
            // Another attempt took the file over (this one outlived its lease): its outcome stands.
            return nil
        } catch let error as SlipwayError where Self.refusesTheFile(error) {
            return try await fail(claimed, token: token, error.message)
        }
    }

    /// The record a finished ingestion leaves: `ingested` when something was stored, else
    /// `failed` (a file with no capture event, or whose every inference was refused).
    static func outcome(of report: DataCaptureReport, claimed: CaptureIngestion, at now: Date) -> CaptureIngestion {
        var finished = claimed
        finished.status = report.stored > 0 ? .ingested : .failed
        finished.successCount = report.stored
        finished.failureCount = report.total - report.stored
        finished.totalCount = report.total
        finished.failures = report.failures.prefix(CaptureIngestion.maximumFailureMessages).map(\.error.message)
        if report.total == 0 { finished.failures = ["the file holds no capture event"] }
        finished.claimToken = nil
        finished.claimedUntil = nil
        finished.updatedAt = now
        return finished
    }

    /// Errors that say the file cannot be ingested as it is (not that something else failed).
    static func refusesTheFile(_ error: SlipwayError) -> Bool {
        let refusals: [SlipwayError.Kind] = [.badRequest, .payloadTooLarge, .unprocessable, .conflict, .notFound]
        return refusals.contains(error.kind)
    }

    private func fail(_ claimed: CaptureIngestion, token: String, _ reason: String) async throws -> CaptureIngestion? {
        var failed = claimed
        failed.status = .failed
        failed.failures = [reason]
        failed.claimToken = nil
        failed.claimedUntil = nil
        failed.updatedAt = platform.now()
        return try await store.finishCaptureIngestion(failed, claimToken: token) ? failed : nil
    }

    /// Gives the claim back after an attempt failed for a reason that may pass, so that the next
    /// scan retries it; after `maximumAttempts` the file is recorded `failed`.
    private func release(_ claimed: CaptureIngestion, token: String, after error: any Error) async -> CaptureIngestion.Status? {
        let message = (error as? SlipwayError)?.message ?? String(describing: error)
        var released = claimed
        released.updatedAt = platform.now()
        released.claimToken = nil
        released.claimedUntil = nil
        if claimed.attempts >= maximumAttempts {
            released.status = .failed
            released.failures = ["gave up after \(claimed.attempts) attempts; the last one failed: \(message)"]
        } else {
            released.failures = ["attempt \(claimed.attempts) failed, to be retried: \(message)"]
        }
        platform.logger.warning("capture file '\(claimed.path)' (attempt \(claimed.attempts)) was not ingested: \(message)")
        do {
            return try await store.finishCaptureIngestion(released, claimToken: token) ? released.status : nil
        } catch {
            // The claim then expires on its own and a later scan takes it over.
            return nil
        }
    }

    /// The object's bytes, or nil when its blob is gone (the object was replaced or deleted).
    /// An object rewritten with the same content has a new blob: that one is read then.
    private func read(_ object: DataObject, limit: Int) async throws -> Data? {
        var content = try await platform.blobs.read(object.blob)
        if content == nil, let current = try await store.object(workspaceID: object.workspaceID, path: object.path),
           current.etag == object.etag {
            content = try await platform.blobs.read(current.blob)
        }
        guard let content else { return nil }
        var data = Data()
        data.reserveCapacity(Int(min(content.size, Int64(limit))))
        for try await chunk in content.chunks {
            data.append(chunk)
            guard data.count <= limit else {
                throw SlipwayError.tooLarge("the file is above the \(limit)-byte limit of capture files")
            }
        }
        return data
    }

    private struct ClaimLost: Error {}
}
