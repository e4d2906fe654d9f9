import Foundation

/// What a serving deployment asks of the machine: replicas are worker processes per model, the
/// memory limit applies to each of them.
public struct ServingResources: Sendable, Equatable, Codable {
    /// CPUs per replica (fractions allowed); applied as a scheduling weight where the OS allows.
    public var cpus: Double?
    /// Memory limit per replica process.
    public var memoryBytes: Int64?
    /// Replicas started at deployment.
    public var replicas: Int
    /// Autoscaling bounds; replicas stay within them.
    public var minimumReplicas: Int?
    public var maximumReplicas: Int?
    /// Average CPU use (percent) above which a replica is added.
    public var targetCPUPercent: Double?

    public static let maximumReplicaCount = 16

    public init(cpus: Double? = nil, memoryBytes: Int64? = nil, replicas: Int = 1, minimumReplicas: Int? = nil,
                maximumReplicas: Int? = nil, targetCPUPercent: Double? = nil) {
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.replicas = replicas
        self.minimumReplicas = minimumReplicas
        self.maximumReplicas = maximumReplicas
        self.targetCPUPercent = targetCPUPercent
    }

    public func validate() throws(SlipwayError) {
        if let cpus, !(cpus > 0 && cpus <= 1024) { throw .badRequest("cpus must be a positive number") }
        if let memoryBytes, memoryBytes < 16 * 1024 * 1024 {
            throw .badRequest("memory must be at least 16 MiB per replica")
        }
        guard (1...Self.maximumReplicaCount).contains(replicas) else {
            throw .badRequest("replica count must be between 1 and \(Self.maximumReplicaCount)")
        }
        if let minimumReplicas, minimumReplicas < 0 { throw .badRequest("the minimum replica count must not be negative") }
        if let maximumReplicas {
            guard (1...Self.maximumReplicaCount).contains(maximumReplicas) else {
                throw .badRequest("the maximum replica count must be between 1 and \(Self.maximumReplicaCount)")
            }
            if let minimumReplicas, minimumReplicas > maximumReplicas {
                throw .badRequest("the minimum replica count is above the maximum")
            }
        }
        if let targetCPUPercent, !(targetCPUPercent > 0 && targetCPUPercent <= 100) {
            throw .badRequest("the autoscaling CPU utilisation must be between 0 and 100 percent")
        }
    }

    /// Replicas to start: the requested count, kept within the autoscaling bounds (at least one,
    /// since scaling from zero would make the first call wait for a model load).
    public var initialReplicas: Int {
        var count = replicas
        if let maximumReplicas { count = min(count, maximumReplicas) }
        if let minimumReplicas { count = max(count, minimumReplicas) }
        return max(1, count)
    }
}
