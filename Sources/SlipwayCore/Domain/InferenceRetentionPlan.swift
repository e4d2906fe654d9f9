import Foundation

/// What one retention pass does, decided without I/O: for every workspace, the retention that
/// applies (its own setting, else the server's default) and the cutoff before which its
/// inference records are deleted. Workspaces that keep records for ever are left out.
public struct InferenceRetentionPlan: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var workspaceID: String
        public var workspaceName: String
        public var retention: InferenceRetention
        /// Whether the retention is the workspace's own setting (else the server's default).
        public var isWorkspaceSetting: Bool
        public var cutoff: Date
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The retention that applies to a workspace: its own setting overrides the server's default.
    public static func effective(_ setting: InferenceRetention?, serverDefault: InferenceRetention) -> InferenceRetention {
        setting ?? serverDefault
    }

    /// The plan at `now` for `workspaces` (in their order), given each workspace's own setting
    /// by id (settings of workspaces not listed are ignored).
    public static func make(workspaces: [Workspace], settings: [String: InferenceRetention],
                            serverDefault: InferenceRetention, now: Date) -> InferenceRetentionPlan {
        var entries: [Entry] = []
        for workspace in workspaces {
            let setting = settings[workspace.id]
            let retention = effective(setting, serverDefault: serverDefault)
            guard let cutoff = retention.cutoff(now: now) else { continue }
            entries.append(Entry(workspaceID: workspace.id, workspaceName: workspace.name, retention: retention,
                                 isWorkspaceSetting: setting != nil, cutoff: cutoff))
        }
        return InferenceRetentionPlan(entries: entries)
    }
}
