/// The sizes a tracking call may have (the ones tracking clients already split their calls
/// by, so a client that respects them is never refused).
public struct TrackingLimits: Sendable, Equatable {
    public var maxMetricsPerBatch = 1000
    public var maxParamsPerBatch = 100
    public var maxTagsPerBatch = 100
    public var maxEntitiesPerBatch = 1000
    public var maxKeyLength = 250
    public var maxParamValueLength = 6000
    public var maxTagValueLength = 8000
    public var maxExperimentTagValueLength = 5000
    public var maxExperimentNameLength = 500
    public var maxRunNameLength = 250
    public var maxHistoryPage = 25_000
    public var maxRunsPage = 50_000
    public var maxExperimentsPage = 50_000
    public var maxRunsPerHistoryRequest = 100
    public var maxDatasetsPerInputs = 1000

    public init() {}
}
