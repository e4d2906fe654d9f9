import Foundation

/// A single-value metric: one value per (execution, name); recording again overwrites it.
public struct MetricValue: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var executionID: String
    public var pipelineName: String
    public var deploymentName: String?
    public var createdAt: Date

    public init(name: String, value: Double, executionID: String, pipelineName: String, deploymentName: String?,
                createdAt: Date) {
        self.name = name
        self.value = value
        self.executionID = executionID
        self.pipelineName = pipelineName
        self.deploymentName = deploymentName
        self.createdAt = createdAt
    }
}

/// A list metric: values appended per (execution, name).
public struct ListMetric: Sendable, Equatable {
    public var name: String
    public var values: [Double]
    public var executionID: String
    public var pipelineName: String
    public var deploymentName: String?
    public var createdAt: Date

    public init(name: String, values: [Double], executionID: String, pipelineName: String, deploymentName: String?,
                createdAt: Date) {
        self.name = name
        self.values = values
        self.executionID = executionID
        self.pipelineName = pipelineName
        self.deploymentName = deploymentName
        self.createdAt = createdAt
    }
}

public struct MetricFilter: Sendable, Equatable {
    public var name: String?
    public var pipelineName: String?
    public var deploymentName: String?
    public var executionID: String?

    public init(name: String? = nil, pipelineName: String? = nil, deploymentName: String? = nil,
                executionID: String? = nil) {
        self.name = name
        self.pipelineName = pipelineName
        self.deploymentName = deploymentName
        self.executionID = executionID
    }
}

/// A page request: `page` starts at 1.
public struct PageRequest: Sendable, Equatable {
    public var page: Int
    public var itemsPerPage: Int

    public init(page: Int = 1, itemsPerPage: Int = 5000) {
        self.page = max(1, page)
        self.itemsPerPage = min(max(1, itemsPerPage), 10_000)
    }

    public var offset: Int { (page - 1) * itemsPerPage }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var totalCount: Int

    public init(items: [Item], totalCount: Int) {
        self.items = items
        self.totalCount = totalCount
    }
}
