import Foundation

/// A filtered, sorted page of a workspace's executions (for browsing long histories: the store
/// answers one page and the total, never the whole list).
public struct ExecutionQuery: Sendable, Equatable {
    /// What a page is ordered by; ties are broken by creation time, then id.
    public enum SortKey: String, Sendable, CaseIterable {
        case createdAt = "created"
        case pipeline
        case status
        case trigger
    }

    public static let maxLimit = 500

    public var workspaceID: String
    public var pipelineName: String?
    public var deploymentName: String?
    public var status: ExecutionStatus?
    public var trigger: ExecutionTrigger?
    /// Created at or after this instant.
    public var createdFrom: Date?
    /// Created strictly before this instant.
    public var createdBefore: Date?
    public var sort: SortKey
    public var descending: Bool
    public var limit: Int
    public var offset: Int

    public init(workspaceID: String, pipelineName: String? = nil, deploymentName: String? = nil,
                status: ExecutionStatus? = nil, trigger: ExecutionTrigger? = nil, createdFrom: Date? = nil,
                createdBefore: Date? = nil, sort: SortKey = .createdAt, descending: Bool = true,
                limit: Int = 50, offset: Int = 0) {
        self.workspaceID = workspaceID
        self.pipelineName = pipelineName
        self.deploymentName = deploymentName
        self.status = status
        self.trigger = trigger
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.sort = sort
        self.descending = descending
        self.limit = min(max(limit, 1), Self.maxLimit)
        self.offset = max(offset, 0)
    }

    /// Whether `execution` passes the filters (for stores that filter in memory).
    public func matches(_ execution: Execution) -> Bool {
        execution.workspaceID == workspaceID
            && (pipelineName == nil || execution.pipelineName == pipelineName)
            && (deploymentName == nil || execution.deploymentName == deploymentName)
            && (status == nil || execution.status == status)
            && (trigger == nil || execution.trigger == trigger)
            && (createdFrom.map { execution.createdAt >= $0 } ?? true)
            && (createdBefore.map { execution.createdAt < $0 } ?? true)
    }
}

/// One page of an ``ExecutionQuery`` and how many executions pass its filters in all.
public struct ExecutionPage: Sendable, Equatable {
    public var executions: [Execution]
    public var total: Int

    public init(executions: [Execution], total: Int) {
        self.executions = executions
        self.total = total
    }
}
