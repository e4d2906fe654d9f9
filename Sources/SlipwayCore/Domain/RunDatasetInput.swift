/// A dataset a run used, with the tags of that use; `context` is how it was used (`training`,
/// `evaluation`…), which searches can filter on.
public struct RunDatasetInput: Sendable, Equatable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?
    public var context: String?
    public var tags: [String: String]

    public init(name: String, digest: String, sourceType: String, source: String, schema: String? = nil, profile: String? = nil,
                context: String? = nil, tags: [String: String] = [:]) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
        self.context = context
        self.tags = tags
    }
}
