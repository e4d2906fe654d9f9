import Foundation
import Logging

/// Retention of inference records: each workspace's own setting (shown to its members, changed
/// by its owners or by the operator), and the pass the scheduler runs periodically, which
/// deletes every workspace's records older than its cutoff (`InferenceRetentionPlan`) in
/// bounded chunks, so that no single write holds the store's write lock for long.
public struct InferenceRetentionService: Sendable {
    let store: any MetadataStore
    let logger: Logger
    let now: @Sendable () -> Date
    /// What applies to a workspace without a setting of its own (`slipway serve --inference-retention-days`).
    public let serverDefault: InferenceRetention
    /// Records deleted per store write.
    public let chunkSize: Int

    public static let defaultChunkSize = 1000
    /// How often the scheduler runs the pass, in seconds.
    public static let defaultInterval: TimeInterval = 3600

    /// A workspace's own setting and the retention that applies to it.
    public struct Setting: Sendable, Equatable {
        public var workspace: Workspace
        public var own: InferenceRetention?
        public var effective: InferenceRetention
    }

    /// What the pass deleted in one workspace.
    public struct Outcome: Sendable, Equatable {
        public var entry: InferenceRetentionPlan.Entry
        public var count: InferencePurgeCount
    }

    /// The service on the platform's store, logger and clock.
    public init(platform: Platform, serverDefault: InferenceRetention = .forever, chunkSize: Int = defaultChunkSize) {
        self.init(store: platform.store, logger: platform.logger, now: platform.now, serverDefault: serverDefault,
                  chunkSize: chunkSize)
    }

    public init(store: any MetadataStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
                serverDefault: InferenceRetention = .forever, chunkSize: Int = defaultChunkSize) {
        self.store = store
        self.logger = logger
        self.now = now
        self.serverDefault = serverDefault
        self.chunkSize = max(1, chunkSize)
    }

    // MARK: - Settings

    /// The workspace's setting, for the operator (the command line).
    public func setting(of workspace: Workspace) async throws -> Setting {
        let own = try await store.inferenceRetention(workspaceID: workspace.id)
        return Setting(workspace: workspace, own: own,
                       effective: InferenceRetentionPlan.effective(own, serverDefault: serverDefault))
    }

    /// The workspace's setting, for one of its members (403 for anyone else).
    public func setting(of workspace: Workspace, visibleTo user: User) async throws -> Setting {
        _ = try await membership(of: user, in: workspace)
        return try await setting(of: workspace)
    }

    /// Sets the workspace's own retention, or removes it with nil (the server's default then
    /// applies). `user` nil is the operator; a user must be an owner of the workspace (403).
    /// A refused call changes nothing.
    @discardableResult
    public func set(_ retention: InferenceRetention?, for workspace: Workspace, by user: User?) async throws -> Setting {
        if let user {
            let membership = try await membership(of: user, in: workspace)
            guard membership.role == .owner else {
                throw SlipwayError.forbidden("only owners of workspace '\(workspace.name)' may change its inference retention")
            }
        }
        if case .days(let days) = retention { _ = try InferenceRetention.validated(days: days) }
        guard try await store.workspace(id: workspace.id) != nil else {
            throw SlipwayError.notFound("workspace", NameRules.printable(workspace.name))
        }
        try await store.setInferenceRetention(workspaceID: workspace.id, retention, at: now())
        let who = user.map { "user '\($0.name)'" } ?? "the operator"
        let shown = retention.map(\.description) ?? "the server default (\(serverDefault))"
        logger.info("inference retention of workspace '\(workspace.name)' set to \(shown) by \(who)")
        return try await setting(of: workspace)
    }

    private func membership(of user: User, in workspace: Workspace) async throws -> Membership {
        guard let membership = try await store.membership(userID: user.id, workspaceID: workspace.id) else {
            throw SlipwayError.forbidden("you are not a member of workspace '\(workspace.name)'")
        }
        return membership
    }

    // MARK: - The pass

    /// The plan at the platform's `now`.
    public func plan() async throws -> InferenceRetentionPlan {
        let workspaces = try await store.listWorkspaces()
        let settings = try await store.inferenceRetentions()
        return InferenceRetentionPlan.make(workspaces: workspaces, settings: settings, serverDefault: serverDefault,
                                           now: now())
    }

    /// Deletes every workspace's expired records, logging what went per workspace. A failure in
    /// one workspace is logged and the others still run; cancellation stops between chunks.
    @discardableResult
    public func runPass() async -> [Outcome] {
        let plan: InferenceRetentionPlan
        do {
            plan = try await self.plan()
        } catch {
            logger.error("inference retention: could not read the workspaces' settings: \(error)")
            return []
        }
        var outcomes: [Outcome] = []
        for entry in plan.entries {
            if Task.isCancelled { break }
            do {
                let count = try await purge(entry)
                outcomes.append(Outcome(entry: entry, count: count))
                if !count.isEmpty {
                    let message = "inference retention: deleted \(count.records) inference records of workspace "
                        + "'\(entry.workspaceName)' older than \(ISO8601DateFormatter().string(from: entry.cutoff)) "
                        + "(\(entry.retention), \(entry.isWorkspaceSetting ? "workspace setting" : "server default")); "
                        + "feature columns: \(count.droppedColumns) dropped, \(count.trimmedColumns) rewritten"
                    logger.info("\(message)")
                }
            } catch {
                logger.error("inference retention of workspace '\(entry.workspaceName)' failed: \(error)")
            }
        }
        return outcomes
    }

    /// Deletes one workspace's records older than the entry's cutoff, a chunk per store write,
    /// until none is left; the scheduler's other work runs between chunks.
    public func purge(_ entry: InferenceRetentionPlan.Entry) async throws -> InferencePurgeCount {
        var total = InferencePurgeCount()
        while !Task.isCancelled {
            let step = try await store.purgeInferenceRecords(workspaceID: entry.workspaceID, before: entry.cutoff,
                                                                      limit: chunkSize)
            total = total + step
            if step.isEmpty { break }
            await Task.yield()
        }
        return total
    }
}
