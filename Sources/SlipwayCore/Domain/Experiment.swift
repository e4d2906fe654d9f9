import Foundation

/// A named group of tracked runs in one workspace. Every workspace has a default experiment
/// with id `Experiment.defaultID`; other ids are random decimal numbers, unique across
/// workspaces, so an id never names another workspace's experiment.
public struct Experiment: Sendable, Equatable {
    /// The id of every workspace's default experiment (what tracking clients assume).
    public static let defaultID = "0"
    public static let defaultName = "Default"

    public var id: String
    public var workspaceID: String
    public var name: String
    /// Where the experiment's artifacts live, relative to the workspace's artifact root
    /// (`<id>` unless the client named another place).
    public var artifactLocation: String
    public var lifecycle: TrackingLifecycle
    public var createdAt: Date
    public var updatedAt: Date
    public var tags: [String: String]

    public init(id: String, workspaceID: String, name: String, artifactLocation: String, lifecycle: TrackingLifecycle = .active,
                createdAt: Date, updatedAt: Date, tags: [String: String] = [:]) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.artifactLocation = artifactLocation
        self.lifecycle = lifecycle
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.tags = tags
    }
}
