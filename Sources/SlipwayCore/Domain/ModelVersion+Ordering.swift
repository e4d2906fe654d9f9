import Foundation

extension ModelVersion {
    /// Version order: by number, then creation time, then id, so that any list sorts the same
    /// way every time.
    public func precedes(_ other: ModelVersion) -> Bool {
        (number, createdAt, id) < (other.number, other.createdAt, other.id)
    }

    /// The number the next version of a model gets, given its existing versions.
    public static func nextNumber(after versions: some Sequence<ModelVersion>) -> Int {
        (versions.map(\.number).max() ?? 0) + 1
    }
}

extension Sequence<ModelVersion> {
    /// Oldest first.
    public func sortedByVersion() -> [ModelVersion] {
        sorted { $0.precedes($1) }
    }

    /// The newest version that can be deployed.
    public func latestReady() -> ModelVersion? {
        filter { $0.status == .ready }.max { $0.precedes($1) }
    }
}
