import Foundation

/// A model as the registry shows it: the model, its tags, its aliases (alias → version
/// number) and its live versions, oldest first.
public struct RegisteredModel: Sendable, Equatable {
    public var model: Model
    public var tags: [String: String]
    public var aliases: [String: Int]
    public var versions: [ModelVersion]

    public init(model: Model, tags: [String: String], aliases: [String: Int], versions: [ModelVersion]) {
        self.model = model
        self.tags = tags
        self.aliases = aliases
        self.versions = versions
    }

    /// The highest-numbered version in each stage, by stage order.
    public var latestVersions: [ModelVersion] {
        ModelStage.allCases.compactMap { stage in versions.filter { $0.stage == stage }.max { $0.number < $1.number } }
    }
}

/// A model version as the registry shows it: the version, its model's name, its tags and the
/// aliases that name it.
public struct RegisteredVersion: Sendable, Equatable {
    public var version: ModelVersion
    public var modelName: String
    public var tags: [String: String]
    public var aliases: [String]

    public init(version: ModelVersion, modelName: String, tags: [String: String], aliases: [String]) {
        self.version = version
        self.modelName = modelName
        self.tags = tags
        self.aliases = aliases
    }
}
