import Foundation
import SlipwayCore

/// CPU limits through Linux control groups: a group per replica under `slipway/` in the cgroup
/// v1 `cpu` hierarchy (`cpu.cfs_quota_us` = cores × period, `cpu.shares` = cores × 1024), or in
/// the v2 hierarchy (`cpu.max`, `cpu.weight`) when this process may create groups there.
/// Without a writable hierarchy (no root, no delegation) nothing is limited and `limit` says so.
public struct CgroupCPULimiter: CPULimiter {
    enum Hierarchy {
        case v1(URL)
        case v2(URL)
    }

    let hierarchy: Hierarchy?
    static let period = 100_000

    public init(root: URL = URL(fileURLWithPath: "/sys/fs/cgroup")) {
        let fileManager = FileManager.default
        let v1 = root.appendingPathComponent("cpu")
        let v2 = root.appendingPathComponent("cgroup.controllers").path
        if fileManager.fileExists(atPath: v1.appendingPathComponent("cpu.cfs_quota_us").path),
           Self.prepare(v1.appendingPathComponent("slipway")) {
            hierarchy = .v1(v1.appendingPathComponent("slipway"))
        } else if let controllers = try? String(contentsOfFile: v2, encoding: .utf8), controllers.contains("cpu"),
                  Self.prepare(root.appendingPathComponent("slipway")) {
            try? "+cpu".write(to: root.appendingPathComponent("slipway/cgroup.subtree_control"), atomically: false, encoding: .utf8)
            hierarchy = .v2(root.appendingPathComponent("slipway"))
        } else {
            hierarchy = nil
        }
    }

    static func prepare(_ directory: URL) -> Bool {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return FileManager.default.isWritableFile(atPath: directory.path)
    }

    public func limit(pid: Int32, cpus: Double, key: String) -> String? {
        guard let hierarchy else { return "this server may not create CPU control groups (it needs root or a delegated cgroup)" }
        let name = key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        let quota = max(1000, Int(cpus * Double(Self.period)))
        do {
            switch hierarchy {
            case .v1(let base):
                let group = base.appendingPathComponent(String(name))
                try FileManager.default.createDirectory(at: group, withIntermediateDirectories: true)
                try write("\(Self.period)", group, "cpu.cfs_period_us")
                try write("\(quota)", group, "cpu.cfs_quota_us")
                try write("\(max(2, Int(cpus * 1024)))", group, "cpu.shares")
                try write("\(pid)", group, "cgroup.procs")
            case .v2(let base):
                let group = base.appendingPathComponent(String(name))
                try FileManager.default.createDirectory(at: group, withIntermediateDirectories: true)
                try write("\(quota) \(Self.period)", group, "cpu.max")
                try write("\(pid)", group, "cgroup.procs")
            }
            return nil
        } catch {
            return "the CPU control group could not be set up (\(error.localizedDescription))"
        }
    }

    public func release(key: String) {
        guard let hierarchy else { return }
        let name = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        switch hierarchy {
        case .v1(let base), .v2(let base):
            // rmdir only succeeds once the group has no processes, which is what we want.
            _ = rmdir(base.appendingPathComponent(name).path)
        }
    }

    private func write(_ value: String, _ group: URL, _ file: String) throws {
        let handle = try FileHandle(forWritingTo: group.appendingPathComponent(file))
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(value.utf8))
    }
}
