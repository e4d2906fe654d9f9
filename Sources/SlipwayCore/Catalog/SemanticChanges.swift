import Foundation

/// An update of a semantic description: each field given replaces the description's; in the
/// maps, an entry set to nil removes that entry.
public struct SemanticChanges: Sendable, Equatable {
    public var title: String?
    public var summary: String?
    public var algorithm: String?
    public var implementation: String?
    public var frameworks: [String]?
    public var datasets: [String]?
    public var keywords: [String]?
    public var parameters: [String: String?] = [:]
    public var metrics: [String: Double?] = [:]
    public var tags: [String: String?] = [:]
    public var properties: [String: String?] = [:]

    public init() {}

    public var isEmpty: Bool { self == SemanticChanges() }

    public func applied(to description: SemanticDescription, at now: Date) -> SemanticDescription {
        var changed = description
        if let title { changed.title = title }
        if let summary { changed.summary = summary }
        if let algorithm { changed.algorithm = algorithm }
        if let implementation { changed.implementation = implementation }
        if let frameworks { changed.frameworks = frameworks }
        if let datasets { changed.datasets = datasets }
        if let keywords { changed.keywords = keywords }
        for (key, value) in parameters { changed.parameters[key] = value }
        for (key, value) in metrics { changed.metrics[key] = value }
        for (key, value) in tags { changed.tags[key] = value }
        for (key, value) in properties { changed.properties[key] = value }
        if !changed.sources.contains("update") { changed.sources.append("update") }
        changed.updatedAt = now
        return changed
    }
}
