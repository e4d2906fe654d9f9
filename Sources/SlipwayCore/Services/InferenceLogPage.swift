import Foundation

/// A page of inference records with what presenting them needs: the model that produced each,
/// the shadow results recorded beside it, and whether its pipeline version split traffic.
public struct InferenceLogPage: Sendable {
    public struct Entry: Sendable {
        public var record: InferenceRecord
        public var modelName: String?
        public var modelVersion: ModelVersion?
        public var shadows: [(modelName: String, outputs: [String: JSONValue])]
        public var split: Bool
    }

    public var entries: [Entry]
    public var nextCursor: InferenceCursor?
    /// The page stopped early because the next record was served by another pipeline version.
    public var schemaChanged: Bool
}
