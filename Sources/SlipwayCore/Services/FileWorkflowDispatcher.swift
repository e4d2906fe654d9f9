import Foundation
import Synchronization

/// Starts one workflow per (enabled pipeline, new file version) and runs it:
///
/// - when the data store stores an object (`objectStored`), in the background: the write never
///   waits for the workflow;
/// - on every scan (`scan`, run by the scheduler at start and then periodically), for files
///   stored since their pipeline was enabled that have no workflow yet (a write acknowledged
///   just before a crash), and for workflows left pending or whose node stopped renewing its
///   claim (a crash mid-workflow: the workflow goes on from the step that did not finish).
///
/// A workflow is created with an insert that is unique per (pipeline, path, version), so a file
/// noticed on write and by a scan, or on two nodes, still starts one workflow. Running it
/// takes a claim in the store that the runner renews; progress is saved only under that claim.
public final class FileWorkflowDispatcher: Sendable {
    let platform: Platform
    let claimLease: TimeInterval
    private let engines = Mutex<[CodePackage.Kind: any FileWorkflowEngine]>([:])
    /// Workflows being run by this process.
    private let running = Mutex<Set<String>>([])
    private let gate: SlotGate
    private let scanning = SingleFlight()

    public static let defaultClaimLease: TimeInterval = 30
    static let scanPageSize = 1000

    public init(platform: Platform, claimLease: TimeInterval = defaultClaimLease, concurrentWorkflows: Int = 8) {
        self.platform = platform
        self.claimLease = max(1, claimLease)
        gate = SlotGate(limit: concurrentWorkflows)
    }

    var store: any MetadataStore { platform.store }

    /// Makes `engine` run the workflows of definitions of `kind` (a dialect does it at start).
    public func register(_ engine: any FileWorkflowEngine, for kind: CodePackage.Kind) {
        engines.withLock { $0[kind] = engine }
    }

    func engine(for kind: CodePackage.Kind) -> (any FileWorkflowEngine)? {
        engines.withLock { $0[kind] }
    }

    /// Called by the data store after it stored `object`: starts the workflows it is due for, in
    /// the background. A failure here is left to the next scan.
    public func objectStored(_ object: DataObject) {
        Task { _ = await self.dispatch(object) }
    }

    /// Creates (and starts) the workflows `object` is due for; returns those created.
    @discardableResult
    public func dispatch(_ object: DataObject) async -> [FileWorkflow] {
        let pipelines: [FilePipeline]
        do {
            pipelines = try await store.enabledFilePipelines(workspaceID: object.workspaceID)
        } catch {
            platform.logger.warning("file pipelines could not be read for '\(object.path)'; the next scan retries: \(error)")
            return []
        }
        var created: [FileWorkflow] = []
        for pipeline in pipelines where pipeline.isDue(object) {
            if let workflow = await create(for: object, pipeline: pipeline) { created.append(workflow) }
        }
        return created
    }

    /// Stores the workflow of `object` for `pipeline` and starts it; nil when it already exists
    /// or could not be stored (the next scan retries).
    private func create(for object: DataObject, pipeline: FilePipeline) async -> FileWorkflow? {
        do {
            guard let definition = try await store.codePackage(id: pipeline.packageID),
                  let engine = engine(for: definition.kind)
            else {
                platform.logger.error("pipeline '\(pipeline.name)' (\(pipeline.id)): its workflow definition is gone or cannot run here")
                return nil
            }
            let steps = try engine.stepIDs(of: definition).map { FileWorkflowStep(id: $0) }
            let workflow = FileWorkflow(id: UUID().uuidString.lowercased(), pipelineID: pipeline.id, workspaceID: pipeline.workspaceID,
                                        filePath: object.path, fileVersion: object.etag, steps: steps, createdAt: platform.now())
            guard try await store.insertFileWorkflow(workflow) else { return nil }
            start(workflow.id)
            return workflow
        } catch {
            platform.logger.warning("the workflow of pipeline '\(pipeline.name)' for '\(object.path)' was not created; the next scan retries: \(error)")
            return nil
        }
    }

    /// Runs the workflow in the background (nothing when this process already runs it).
    public func start(_ workflowID: String) {
        Task { await self.run(workflowID) }
    }

    /// Starts a scan in the background unless one is still running (the scheduler calls it).
    public func startScan() {
        scanning.start { await self.scan() }
    }

    /// Creates the missing workflows of every enabled pipeline and takes up the available ones;
    /// returns how many workflows it created or took up. Errors are logged: the next scan starts again.
    @discardableResult
    public func scan() async -> Int {
        var created = Set<String>()
        var count = 0
        do {
            for pipeline in try await store.enabledFilePipelines(workspaceID: nil) {
                do {
                    created.formUnion(try await scan(pipeline))
                } catch {
                    platform.logger.error("scan of pipeline '\(pipeline.name)' failed: \(error)")
                }
            }
            count = created.count
            for workflow in try await store.availableFileWorkflows(now: platform.now(), limit: 1000)
            where !created.contains(workflow.id) && !running.withLock({ $0.contains(workflow.id) }) {
                count += 1
                start(workflow.id)
            }
        } catch {
            platform.logger.error("file pipeline scan failed: \(error)")
        }
        return count
    }

    /// Creates (and starts) the missing workflows of one pipeline; returns their ids.
    private func scan(_ pipeline: FilePipeline) async throws -> Set<String> {
        var created = Set<String>()
        var after: String?
        let folder = pipeline.condition.folder
        while true {
            let page = try await store.listObjects(workspaceID: pipeline.workspaceID, prefix: folder, after: after,
                                                   limit: Self.scanPageSize)
            let candidates = page.filter { pipeline.isDue($0) }
            if !candidates.isEmpty {
                let known = try await store.fileWorkflowVersions(pipelineID: pipeline.id, paths: candidates.map(\.path))
                for object in candidates where !known.contains(object.path + "\n" + object.etag) {
                    if let workflow = await create(for: object, pipeline: pipeline) { created.insert(workflow.id) }
                }
            }
            guard page.count == Self.scanPageSize, let last = page.last else { return created }
            after = last.path
        }
    }

    /// At the start of the only node of a store (an embedded database): takes up at once the
    /// workflows its previous process left running, whose claims no one else can hold, rather
    /// than after their claims expire. Returns how many it started.
    @discardableResult
    public func resumeOwnInterrupted() async throws -> Int {
        let interrupted = try await store.availableFileWorkflows(now: .distantFuture, limit: 10_000).filter { $0.status == .running }
        for workflow in interrupted { Task { await self.run(workflow.id, takingOver: true) } }
        return interrupted.count
    }

    /// Claims and runs one workflow to its end (or until its claim is lost); `takingOver` claims
    /// it even while another claim holds (the holder is known to be gone).
    public func run(_ workflowID: String, takingOver: Bool = false) async {
        guard running.withLock({ $0.insert(workflowID).inserted }) else { return }
        defer { _ = running.withLock { $0.remove(workflowID) } }
        do {
            try await gate.enter()
        } catch {
            return
        }
        defer { gate.leave() }
        let token = UUID().uuidString.lowercased()
        let store = store
        let lease = claimLease
        let now = platform.now
        do {
            guard let claimed = try await store.claimFileWorkflow(id: workflowID, token: token, until: now().addingTimeInterval(lease),
                                                                   now: now(), takeOver: takingOver)
            else { return }
            guard let pipeline = try await store.filePipeline(id: claimed.pipelineID),
                  let definition = try await store.codePackage(id: pipeline.packageID)
            else {
                var failed = claimed
                Self.end(&failed, status: .failed, reason: "the pipeline or its workflow definition no longer exists", at: now())
                _ = try await store.saveFileWorkflow(failed, claimToken: token)
                return
            }
            guard let engine = engine(for: definition.kind) else {
                // Nothing here runs this kind yet: the claim expires and a later scan retries.
                platform.logger.warning("workflow \(workflowID): no engine runs \(definition.address) on this server")
                return
            }
            // Renews the claim while the steps run, so that no other node takes the workflow over.
            let renewal = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(lease / 3))
                    guard !Task.isCancelled,
                          (try? await store.extendFileWorkflowClaim(id: workflowID, token: token, until: now().addingTimeInterval(lease)))
                            ?? true
                    else { return }
                }
            }
            defer { renewal.cancel() }
            let finished = await engine.run(claimed, pipeline: pipeline, definition: definition) { progress in
                var saved = progress
                saved.claimToken = token
                saved.claimedUntil = now().addingTimeInterval(lease)
                saved.updatedAt = now()
                return (try? await store.saveFileWorkflow(saved, claimToken: token)) ?? false
            }
            var final = finished
            final.claimToken = nil
            final.claimedUntil = nil
            final.updatedAt = now()
            if final.endedAt == nil { final.endedAt = now() }
            _ = try await store.saveFileWorkflow(final, claimToken: token)
        } catch {
            // The claim expires on its own and a later scan takes the workflow up again.
            platform.logger.warning("workflow \(workflowID) stopped on a store error; a later scan resumes it: \(error)")
        }
    }

    public static func end(_ workflow: inout FileWorkflow, status: FileWorkflow.Status, reason: String?, at time: Date) {
        workflow.status = status
        workflow.failureReason = reason
        workflow.claimToken = nil
        workflow.claimedUntil = nil
        workflow.endedAt = time
        workflow.updatedAt = time
    }
}
