import Foundation

/// What became of one record of an ingestion call: stored, or refused with the reason (a
/// `SlipwayError` whose kind says which status a dialect shows).
public enum IngestionOutcome: Sendable, Equatable {
    case stored
    case refused(SlipwayError)

    public var isStored: Bool { if case .stored = self { true } else { false } }

    public var error: SlipwayError? { if case .refused(let error) = self { error } else { nil } }
}

/// The outcomes of one ingestion call, in the order the records came.
public struct IngestionReport: Sendable, Equatable {
    public var outcomes: [IngestionOutcome]

    public init(outcomes: [IngestionOutcome]) {
        self.outcomes = outcomes
    }

    public var storedCount: Int { outcomes.filter(\.isStored).count }
    public var refusedCount: Int { outcomes.count - storedCount }
}
