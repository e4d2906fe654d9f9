import Foundation
import Logging
import SlipwayCore
#if canImport(Glibc)
import Glibc
#endif

/// Samples CPU, RAM, disk and network use of the machine and of every worker process at a
/// fixed interval (from /proc and statvfs) and keeps them in a bounded `ResourceHistory`.
public actor ResourceMonitor {
    let dataDirectory: URL
    let residents: any ResidentWorkerPool
    let logger: Logger
    let interval: Duration
    private var history: ResourceHistory
    private var loop: Task<Void, Never>?
    private var previousCPU: (busy: Double, total: Double)?
    private var previousNetwork: (rx: Double, tx: Double, at: Date)?
    private var previousProcesses: [Int32: (ticks: Double, ioBytes: Double, at: Date)] = [:]
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let cores = Double(max(1, ProcessInfo.processInfo.activeProcessorCount))

    public init(dataDirectory: URL, residents: any ResidentWorkerPool, logger: Logger,
                interval: Duration = .seconds(5), window: TimeInterval = 24 * 3600) {
        self.dataDirectory = dataDirectory
        self.residents = residents
        self.logger = logger
        self.interval = interval
        self.history = ResourceHistory(window: window)
    }

    public func start() {
        guard loop == nil else { return }
        loop = Task {
            while !Task.isCancelled {
                await self.sample()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    public func stop() {
        loop?.cancel()
        loop = nil
    }

    public var totalRAM: Int64 { Int64(Self.meminfo()["MemTotal"] ?? 0) }

    public var totalDisk: Int64 {
        var stats = statvfs()
        guard statvfs(dataDirectory.path, &stats) == 0 else { return 0 }
        return Int64(stats.f_blocks) * Int64(stats.f_frsize)
    }

    public func query(from: Date, to: Date) -> [ResourceMeasure: [(worker: String, points: [(Date, Double)])]] {
        history.query(from: from, to: to)
    }

    /// Takes one sample now (also used by tests).
    public func sample() async {
        let now = Date()
        var samples: [ResourceSample] = []
        let environment = ResourceHistory.environmentWorker
        if let cpu = Self.cpuTimes() {
            if let previous = previousCPU, cpu.total > previous.total {
                samples.append(.init(worker: environment, measure: .cpuUsage,
                                     value: 100 * (cpu.busy - previous.busy) / (cpu.total - previous.total)))
            }
            previousCPU = cpu
        }
        let memory = Self.meminfo()
        if let total = memory["MemTotal"], let available = memory["MemAvailable"], total > 0 {
            samples.append(.init(worker: environment, measure: .ramUsage, value: 100 * (total - available) / total))
        }
        var stats = statvfs()
        if statvfs(dataDirectory.path, &stats) == 0, stats.f_blocks > 0 {
            let used = Double(stats.f_blocks - stats.f_bfree)
            samples.append(.init(worker: environment, measure: .diskUsage, value: 100 * used / Double(stats.f_blocks)))
        }
        if let network = Self.networkBytes() {
            if let previous = previousNetwork {
                let seconds = max(0.001, now.timeIntervalSince(previous.at))
                samples.append(.init(worker: environment, measure: .networkInputUsage, value: max(0, network.rx - previous.rx) / seconds))
                samples.append(.init(worker: environment, measure: .networkOutputUsage, value: max(0, network.tx - previous.tx) / seconds))
            }
            previousNetwork = (network.rx, network.tx, now)
        }
        // Workers: resident ones by deployment name, others (elastic executions) by pid.
        var names: [Int32: String] = [:]
        for process in await residents.processes() { names[process.pid] = "\(process.name) (pid \(process.pid))" }
        let total = memory["MemTotal"] ?? 0
        var seen: [Int32: (ticks: Double, ioBytes: Double, at: Date)] = [:]
        for pid in Self.childProcesses(of: getpid()) {
            guard let stat = Self.processStat(pid) else { continue }
            let name = names[pid] ?? "worker-\(pid)"
            if let previous = previousProcesses[pid] {
                let seconds = max(0.001, now.timeIntervalSince(previous.at))
                samples.append(.init(worker: name, measure: .cpuUsage,
                                     value: 100 * (stat.ticks - previous.ticks) / ticksPerSecond / seconds / cores))
            }
            if total > 0 { samples.append(.init(worker: name, measure: .ramUsage, value: 100 * stat.rssBytes / total)) }
            seen[pid] = (stat.ticks, 0, now)
        }
        previousProcesses = seen
        history.record(samples, at: now)
    }

    // MARK: - /proc readers

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Busy and total jiffies of all CPUs.
    static func cpuTimes() -> (busy: Double, total: Double)? {
        guard let line = read("/proc/stat")?.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 5 else { return nil }
        let idle = values[3] + values[4]
        let total = values.prefix(8).reduce(0, +)
        return (total - idle, total)
    }

    /// `/proc/meminfo` values in bytes.
    static func meminfo() -> [String: Double] {
        var result: [String: Double] = [:]
        for line in (read("/proc/meminfo") ?? "").split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " })
            if parts.count >= 2, let value = Double(parts[1]) { result[String(parts[0])] = value * 1024 }
        }
        return result
    }

    /// Received and sent bytes of every interface but loopback.
    static func networkBytes() -> (rx: Double, tx: Double)? {
        guard let text = read("/proc/net/dev") else { return nil }
        var rx = 0.0, tx = 0.0
        for line in text.split(separator: "\n").dropFirst(2) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) != "lo" else { continue }
            let fields = parts[1].split(separator: " ").compactMap { Double($0) }
            if fields.count >= 9 { rx += fields[0]; tx += fields[8] }
        }
        return (rx, tx)
    }

    static func childProcesses(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == parent
        }
    }

    /// CPU ticks (user + system) and resident memory of a process.
    static func processStat(_ pid: Int32) -> (ticks: Double, rssBytes: Double)? {
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state(0) ppid(1) … utime(11) stime(12) … rss(21)
        guard fields.count > 21, let user = Double(fields[11]), let system = Double(fields[12]),
              let pages = Double(fields[21]) else { return nil }
        return (user + system, pages * Double(sysconf(Int32(_SC_PAGESIZE))))
    }
}
