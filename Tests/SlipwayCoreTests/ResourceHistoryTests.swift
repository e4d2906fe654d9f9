import Foundation
import Testing

@testable import SlipwayCore

@Suite("ResourceHistory")
struct ResourceHistoryTests {
    static let env = ResourceHistory.environmentWorker
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    static func cpu(_ worker: String, _ value: Double) -> ResourceSample {
        ResourceSample(worker: worker, measure: .cpuUsage, value: value)
    }

    static func key(_ worker: String, _ measure: ResourceMeasure = .cpuUsage) -> ResourceHistory.Key {
        ResourceHistory.Key(worker: worker, measure: measure)
    }

    /// Times and values of one series, in stored order.
    static func points(_ history: ResourceHistory, _ worker: String,
                       _ measure: ResourceMeasure = .cpuUsage) -> [(TimeInterval, Double)] {
        (history.series[key(worker, measure)] ?? []).map { ($0.0.timeIntervalSince(t0), $0.1) }
    }

    static func times(_ history: ResourceHistory, _ worker: String, _ measure: ResourceMeasure = .cpuUsage) -> [TimeInterval] {
        points(history, worker, measure).map { $0.0 }
    }

    @Test func defaults() {
        let history = ResourceHistory()
        #expect(history.window == 24 * 3600)
        #expect(history.maxSeries == 500)
        #expect(history.series.isEmpty)
        #expect(ResourceHistory.environmentWorker == "All cumulate")
        #expect(ResourceMeasure.allCases.map(\.rawValue) ==
            ["cpu_usage", "ram_usage", "disk_usage", "network_input_usage", "network_output_usage"])
    }

    @Test func recordsOneSeriesPerWorkerAndMeasure() {
        var history = ResourceHistory(window: 3600)
        history.record([Self.cpu(Self.env, 0.5), ResourceSample(worker: Self.env, measure: .ramUsage, value: 1e9),
                        Self.cpu("w1", 0.25)], at: Self.at(0))
        history.record([Self.cpu(Self.env, 0.75), Self.cpu("w1", 0.5)], at: Self.at(10))
        #expect(history.series.count == 3)
        #expect(Self.points(history, Self.env).map { $0.1 } == [0.5, 0.75])
        #expect(Self.times(history, Self.env) == [0, 10])
        #expect(Self.points(history, Self.env, .ramUsage).map { $0.1 } == [1e9])
        #expect(Self.points(history, "w1").map { $0.1 } == [0.25, 0.5])
    }

    @Test func nonFiniteValuesAreIgnored() {
        var history = ResourceHistory(window: 3600)
        history.record([Self.cpu("w1", .nan), Self.cpu("w2", .infinity), Self.cpu("w3", -.infinity), Self.cpu("w4", 1)],
                       at: Self.at(0))
        #expect(Set(history.series.keys) == [Self.key("w4")])
        history.record([Self.cpu("w4", .nan)], at: Self.at(1))
        #expect(Self.times(history, "w4") == [0])
    }

    @Test func emptyRecordStillTrims() {
        var history = ResourceHistory(window: 60)
        history.record([Self.cpu("w1", 1)], at: Self.at(0))
        history.record([], at: Self.at(30))
        #expect(history.series.count == 1)
        history.record([], at: Self.at(61))
        #expect(history.series.isEmpty, "a series whose points all left the window is forgotten")
    }

    // MARK: - Window

    @Test func windowTrimming() {
        var history = ResourceHistory(window: 60)
        for second in stride(from: 0.0, through: 120, by: 10) {
            history.record([Self.cpu(Self.env, second)], at: Self.at(second))
        }
        // Horizon = 120 - 60: points strictly older are dropped, the point at the horizon stays.
        #expect(Self.times(history, Self.env) == [60, 70, 80, 90, 100, 110, 120])
        #expect(Self.points(history, Self.env).map { $0.1 } == [60, 70, 80, 90, 100, 110, 120])
        history.record([Self.cpu(Self.env, 1)], at: Self.at(125))
        #expect(Self.times(history, Self.env).first == 70)
    }

    @Test func deadWorkersAgeOut() {
        var history = ResourceHistory(window: 100)
        history.record([Self.cpu(Self.env, 1), Self.cpu("dead", 1), Self.cpu("alive", 1)], at: Self.at(0))
        history.record([Self.cpu(Self.env, 1), Self.cpu("alive", 1)], at: Self.at(50))
        history.record([Self.cpu(Self.env, 1), Self.cpu("alive", 1)], at: Self.at(100))
        #expect(Self.times(history, "dead") == [0], "exactly at the horizon: kept")
        history.record([Self.cpu(Self.env, 1), Self.cpu("alive", 1)], at: Self.at(101))
        #expect(history.series[Self.key("dead")] == nil)
        #expect(Self.times(history, "alive") == [50, 100, 101])
        #expect(history.series.count == 2)
        // A worker that comes back starts a new series.
        history.record([Self.cpu("dead", 2)], at: Self.at(102))
        #expect(Self.times(history, "dead") == [102])
    }

    // MARK: - maxSeries

    @Test func evictsTheLeastRecentlySeenWorkerNeverTheEnvironment() {
        var history = ResourceHistory(window: 3600, maxSeries: 3)
        history.record([Self.cpu(Self.env, 1)], at: Self.at(0))
        history.record([Self.cpu("w1", 1)], at: Self.at(1))
        history.record([Self.cpu("w2", 1)], at: Self.at(2))
        #expect(history.series.count == 3)
        // The environment series is the oldest, but w1 is the one forgotten.
        history.record([Self.cpu("w3", 1)], at: Self.at(3))
        #expect(Set(history.series.keys) == [Self.key(Self.env), Self.key("w2"), Self.key("w3")])
        // Recently updated series survive: w2 is refreshed, so w3 goes.
        history.record([Self.cpu("w2", 2)], at: Self.at(4))
        history.record([Self.cpu("w4", 1)], at: Self.at(5))
        #expect(Set(history.series.keys) == [Self.key(Self.env), Self.key("w2"), Self.key("w4")])
        #expect(Self.times(history, Self.env) == [0], "the environment's points are untouched")
    }

    @Test func evictsSeveralAtOnce() {
        var history = ResourceHistory(window: 3600, maxSeries: 3)
        history.record([Self.cpu(Self.env, 1), ResourceSample(worker: Self.env, measure: .ramUsage, value: 1)],
                       at: Self.at(0))
        history.record([Self.cpu("old", 1)], at: Self.at(1))
        history.record([Self.cpu("new1", 1), Self.cpu("new2", 1)], at: Self.at(2))
        #expect(history.series.count == 3)
        #expect(history.series[Self.key(Self.env)] != nil)
        #expect(history.series[Self.key(Self.env, .ramUsage)] != nil)
        #expect(history.series[Self.key("old")] == nil, "the least recently seen goes first")
    }

    @Test func environmentSeriesAreNeverEvicted() {
        var history = ResourceHistory(window: 3600, maxSeries: 2)
        history.record(ResourceMeasure.allCases.map { ResourceSample(worker: Self.env, measure: $0, value: 1) },
                       at: Self.at(0))
        history.record([Self.cpu("w1", 1)], at: Self.at(1))
        #expect(history.series.count == ResourceMeasure.allCases.count, "only workers are dropped to make room")
        #expect(history.series.keys.allSatisfy { $0.worker == Self.env })
    }

    @Test func manyWorkersStayBounded() {
        var history = ResourceHistory(window: 3600, maxSeries: 50)
        for index in 0..<500 {
            history.record([Self.cpu(Self.env, 1), Self.cpu("w\(index)", Double(index))], at: Self.at(Double(index)))
            #expect(history.series.count <= 50)
        }
        #expect(history.series[Self.key(Self.env)]?.count == 500)
        #expect(history.series[Self.key("w499")] != nil)
        #expect(history.series[Self.key("w450")] == nil)
        #expect(history.series[Self.key("w451")] != nil, "the 49 most recent workers are kept")
    }

    // MARK: - Query

    @Test func queryRangeIsInclusiveAndChronological() throws {
        var history = ResourceHistory(window: 3600)
        for second in stride(from: 0.0, through: 100, by: 10) {
            history.record([Self.cpu("w1", second)], at: Self.at(second))
        }
        let result = history.query(from: Self.at(20), to: Self.at(50))
        let series = try #require(result[.cpuUsage])
        #expect(series.count == 1)
        #expect(series.first?.worker == "w1")
        #expect(series.first?.points.map { $0.0.timeIntervalSince(Self.t0) } == [20, 30, 40, 50])
        #expect(series.first?.points.map { $0.1 } == [20, 30, 40, 50])

        #expect(history.query(from: Self.at(21), to: Self.at(29)).isEmpty, "no point in range, no entry")
        #expect(history.query(from: Self.at(200), to: Self.at(300)).isEmpty)
        #expect(history.query(from: Self.at(50), to: Self.at(20)).isEmpty, "reversed range")
        #expect(history.query(from: Self.at(100), to: Self.at(100))[.cpuUsage]?.first?.points.count == 1)
    }

    @Test func queryGroupsByMeasureEnvironmentFirstThenWorkersByName() {
        var history = ResourceHistory(window: 3600)
        let workers = ["zeta", "AAA", "beta", Self.env, "0-first", "alpha"]
        history.record(workers.map { Self.cpu($0, 1) }
                       + [ResourceSample(worker: "beta", measure: .ramUsage, value: 2),
                          ResourceSample(worker: Self.env, measure: .ramUsage, value: 3)],
                       at: Self.at(0))
        let result = history.query(from: Self.at(-10), to: Self.at(10))
        #expect(Set(result.keys) == [.cpuUsage, .ramUsage], "measures without points are absent")
        #expect(result[.cpuUsage]?.map(\.worker) == [Self.env, "0-first", "AAA", "alpha", "beta", "zeta"])
        #expect(result[.ramUsage]?.map(\.worker) == [Self.env, "beta"])
        #expect(result[.ramUsage]?.last?.points.map { $0.1 } == [2])
    }

    @Test func querySkipsSeriesWithoutPointsInRange() {
        var history = ResourceHistory(window: 3600)
        history.record([Self.cpu(Self.env, 1), Self.cpu("early", 1)], at: Self.at(0))
        history.record([Self.cpu(Self.env, 2), Self.cpu("late", 2)], at: Self.at(100))
        let result = history.query(from: Self.at(50), to: Self.at(150))
        #expect(result[.cpuUsage]?.map(\.worker) == [Self.env, "late"])
        #expect(result[.cpuUsage]?.first?.points.map { $0.1 } == [2])
    }
}
