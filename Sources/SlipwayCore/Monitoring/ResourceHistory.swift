import Foundation

/// The resource measures the platform keeps.
public enum ResourceMeasure: String, Sendable, CaseIterable {
    case cpuUsage = "cpu_usage"
    case ramUsage = "ram_usage"
    case diskUsage = "disk_usage"
    case networkInputUsage = "network_input_usage"
    case networkOutputUsage = "network_output_usage"
}

/// One sample of one measure for one worker (or the whole environment).
public struct ResourceSample: Sendable, Equatable {
    public var worker: String
    public var measure: ResourceMeasure
    public var value: Double

    public init(worker: String, measure: ResourceMeasure, value: Double) {
        self.worker = worker
        self.measure = measure
        self.value = value
    }
}

/// Time series of resource samples over a bounded window: older points and series beyond
/// `maxSeries` are dropped. Pure value type; the monitor actor owns one.
public struct ResourceHistory: Sendable {
    public struct Key: Hashable, Sendable {
        public var worker: String
        public var measure: ResourceMeasure
    }

    public let window: TimeInterval
    public let maxSeries: Int
    public private(set) var series: [Key: [(Date, Double)]] = [:]
    private var lastSeen: [Key: Date] = [:]

    /// Name of the series that covers the whole environment.
    public static let environmentWorker = "All cumulate"

    public init(window: TimeInterval = 24 * 3600, maxSeries: Int = 500) {
        self.window = window
        self.maxSeries = maxSeries
    }

    public mutating func record(_ samples: [ResourceSample], at time: Date) {
        for sample in samples where sample.value.isFinite {
            let key = Key(worker: sample.worker, measure: sample.measure)
            series[key, default: []].append((time, sample.value))
            lastSeen[key] = time
        }
        let horizon = time.addingTimeInterval(-window)
        for key in Array(series.keys) {
            if let first = series[key]?.first, first.0 < horizon {
                series[key]?.removeAll { $0.0 < horizon }
            }
            if series[key]?.isEmpty == true {
                series[key] = nil
                lastSeen[key] = nil
            }
        }
        if series.count > maxSeries {
            // Forget the series not updated for the longest time (dead workers), never the environment's.
            let victims = lastSeen.filter { $0.key.worker != Self.environmentWorker }
                .sorted { $0.value < $1.value }.prefix(series.count - maxSeries)
            for (key, _) in victims {
                series[key] = nil
                lastSeen[key] = nil
            }
        }
    }

    /// Points in `[from, to]`, per measure, the environment first then workers by name.
    public func query(from: Date, to: Date) -> [ResourceMeasure: [(worker: String, points: [(Date, Double)])]] {
        var result: [ResourceMeasure: [(worker: String, points: [(Date, Double)])]] = [:]
        let keys = series.keys.sorted { a, b in
            if (a.worker == Self.environmentWorker) != (b.worker == Self.environmentWorker) {
                return a.worker == Self.environmentWorker
            }
            return a.worker < b.worker
        }
        for key in keys {
            let points = series[key]!.filter { $0.0 >= from && $0.0 <= to }
            guard !points.isEmpty else { continue }
            result[key.measure, default: []].append((key.worker, points))
        }
        return result
    }
}
