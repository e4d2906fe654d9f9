import Foundation

/// What a data-store object carries besides its bytes: a category (what stage of processing
/// the file is at, e.g. raw or processed), labels, free-form metadata and tags, and the file
/// pipeline whose workflow wrote it (such a file never starts a workflow of that pipeline).
public struct FileAttributes: Sendable, Equatable, Codable {
    public var category: String?
    public var labels: [FileLabel]
    public var metadata: [String: String]
    public var tags: [String]
    public var producedByPipeline: String?

    public init(category: String? = nil, labels: [FileLabel] = [], metadata: [String: String] = [:], tags: [String] = [],
                producedByPipeline: String? = nil) {
        self.category = category
        self.labels = labels
        self.metadata = metadata
        self.tags = tags
        self.producedByPipeline = producedByPipeline
    }

    public var isEmpty: Bool { self == FileAttributes() }

    public static let maximumLabels = 100
    public static let maximumMetadataEntries = 100
    public static let maximumTags = 100

    /// Refuses attributes beyond the limits a file may carry (names and values are checked by
    /// ``FileLabel``); metadata keys 1–128 characters, values and tags ≤ 256.
    public func validate() throws(SlipwayError) {
        guard labels.count <= Self.maximumLabels else { throw .badRequest("a file has at most \(Self.maximumLabels) labels") }
        guard metadata.count <= Self.maximumMetadataEntries else {
            throw .badRequest("a file has at most \(Self.maximumMetadataEntries) metadata entries")
        }
        guard tags.count <= Self.maximumTags else { throw .badRequest("a file has at most \(Self.maximumTags) tags") }
        for (key, value) in metadata {
            guard (1...128).contains(key.count), value.count <= 256 else {
                throw .badRequest("metadata keys are 1-128 characters and values at most 256")
            }
        }
        guard tags.allSatisfy({ (1...256).contains($0.count) }) else { throw .badRequest("tags are 1-256 characters") }
        if let category, !(1...64).contains(category.count) { throw .badRequest("a file category is 1-64 characters") }
        for label in labels { try label.validate() }
    }
}

/// A name/value label on a file; a file may carry several labels of one name.
public struct FileLabel: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var value: String

    public init(id: String = UUID().uuidString.lowercased(), name: String, value: String) {
        self.id = id
        self.name = name
        self.value = value
    }

    public func validate() throws(SlipwayError) {
        guard (1...128).contains(name.count) else { throw .badRequest("a label name is 1-128 characters") }
        guard value.count <= 256 else { throw .badRequest("label '\(NameRules.printable(name))': a value is at most 256 characters") }
    }
}
