import Foundation
import Testing

@testable import SlipwayRuntime

/// The limiter on a fake cgroup v1 tree (a temporary folder with the files the kernel makes).
@Suite("CgroupCPULimiter")
struct CgroupCPULimiterTests {
    @Test func writesQuotaSharesAndTheProcessIntoAGroupPerReplica() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let cpu = root.appendingPathComponent("cpu")
        try FileManager.default.createDirectory(at: cpu, withIntermediateDirectories: true)
        try Data().write(to: cpu.appendingPathComponent("cpu.cfs_quota_us"))
        // The kernel creates these files in every new group; the fake makes them up front.
        let group = cpu.appendingPathComponent("slipway/dep.1.0.0")
        try FileManager.default.createDirectory(at: group, withIntermediateDirectories: true)
        for file in ["cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.shares", "cgroup.procs"] {
            try Data().write(to: group.appendingPathComponent(file))
        }
        let limiter = CgroupCPULimiter(root: root)
        #expect(limiter.limit(pid: 4242, cpus: 0.5, key: "dep.1.0.0") == nil)
        func read(_ file: String) throws -> String { try String(contentsOf: group.appendingPathComponent(file), encoding: .utf8) }
        #expect(try read("cpu.cfs_quota_us") == "50000")
        #expect(try read("cpu.cfs_period_us") == "100000")
        #expect(try read("cpu.shares") == "512")
        #expect(try read("cgroup.procs") == "4242")
    }

    @Test func withoutAWritableHierarchyItSaysWhy() {
        let limiter = CgroupCPULimiter(root: URL(fileURLWithPath: "/nonexistent-cgroup-root"))
        #expect(limiter.limit(pid: 1, cpus: 1, key: "k")?.contains("control groups") == true)
    }
}
