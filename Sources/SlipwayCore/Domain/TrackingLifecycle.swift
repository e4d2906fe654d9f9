/// Whether an experiment or run is live or in the trash (deleted ones can be restored).
public enum TrackingLifecycle: String, Sendable, Equatable, CaseIterable {
    case active
    case deleted
}

/// Which lifecycle stages a listing includes.
public enum LifecycleFilter: Sendable, Equatable {
    case active, deleted, all

    public func includes(_ stage: TrackingLifecycle) -> Bool {
        switch self {
        case .all: true
        case .active: stage == .active
        case .deleted: stage == .deleted
        }
    }
}
