import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// `CodePackageStore` (migration 24) and `JobStore` (migration 25), run against every backend:
/// packages round trip, are unique per address unless replaced, listed by namespace, slug and
/// creation, and move status by compare-and-set; jobs round trip newest first, claim schedule
/// slots and change status by compare-and-set, and store one run per (job, slot).
@Suite("Code package and job store contract")
struct CodePackageStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func package(_ id: String, slug: String = "script", version: String = "v1.0.0", kind: CodePackage.Kind = .functions,
                 workspace: String = "ws1", offset: Double = 0, status: CreationStatus = .pending) -> CodePackage {
        CodePackage(id: id, workspaceID: workspace, kind: kind, namespace: "private-org", slug: slug, version: version,
                    codeDigest: "digest-\(id)", sizeBytes: 120, archiveBlob: "blob-\(id)",
                    manifest: .object(["functions": .object(["main": .string("main.main")])]), pythonVersion: "3.11",
                    requirementsPath: "requirements.txt", setupScriptPath: kind == .functions ? "init/before_install" : nil,
                    status: status, createdAt: t0.addingTimeInterval(offset), createdBy: "u1")
    }

    func job(_ id: String, schedule: String? = nil, digest: String = "sha-1", offset: Double = 0, status: Job.Status = .pending) -> Job {
        Job(id: id, workspaceID: "ws1", packageID: "p1", packageDigest: digest, entryPoint: "main.py",
            environment: ["TASK_ID": id], name: "job \(id)", arguments: .object(["n": .number(1)]), schedule: schedule,
            timeoutSeconds: 30, status: status, lastScheduledAt: schedule == nil ? nil : t0, createdAt: t0.addingTimeInterval(offset),
            createdBy: "u1")
    }

    @Test(arguments: StoreBackendKind.available)
    func packagesAreUniquePerAddressUnlessReplaced(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = package("p1")
            #expect(try await store.insertCodePackage(first, replace: false) == nil)
            #expect(try await store.codePackage(id: "p1") == first)
            await #expect(throws: SlipwayError.self) { try await store.insertCodePackage(package("p2"), replace: false) }
            let replacement = package("p2", offset: 10)
            #expect(try await store.insertCodePackage(replacement, replace: true) == first)
            #expect(try await store.codePackage(id: "p1") == nil)
            #expect(try await store.codePackage(workspaceID: "ws1", kind: .functions, namespace: "private-org", slug: "script",
                                                version: "v1.0.0") == replacement)
            // The same address of another kind or workspace is another package.
            _ = try await store.insertCodePackage(package("p3", kind: .workflow, status: .ready), replace: false)
            _ = try await store.insertCodePackage(package("p4", workspace: "ws2"), replace: false)
            _ = try await store.insertCodePackage(package("p5", slug: "another", offset: 5), replace: false)
            _ = try await store.insertCodePackage(package("p6", version: "v2.0.0", offset: 20), replace: false)
            #expect(try await store.codePackages(workspaceID: "ws1", kind: .functions, namespace: nil, slug: nil).map(\.id) == ["p5", "p2", "p6"])
            #expect(try await store.codePackages(workspaceID: "ws1", kind: .functions, namespace: "private-org", slug: "script").map(\.id)
                == ["p2", "p6"])
            #expect(try await store.codePackages(workspaceID: "ws1", kind: .workflow, namespace: nil, slug: nil).map(\.id) == ["p3"])
            #expect(Set(try await store.pendingCodePackages().map(\.id)) == ["p2", "p4", "p5", "p6"])

            #expect(try await store.updateCodePackageStatus(id: "p2", from: .pending, to: .ready, environmentKey: "env-1",
                                                            failureReason: nil, at: t0.addingTimeInterval(60)))
            #expect(try await store.updateCodePackageStatus(id: "p2", from: .pending, to: .failed, environmentKey: nil,
                                                            failureReason: "late", at: t0.addingTimeInterval(61)) == false)
            let ready = try #require(try await store.codePackage(id: "p2"))
            #expect(ready.status == .ready && ready.environmentKey == "env-1" && ready.updatedAt == t0.addingTimeInterval(60))
            #expect(try await store.deleteCodePackage(id: "p2"))
            #expect(try await store.deleteCodePackage(id: "p2") == false)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func jobsClaimSlotsAndStoreOneRunPerSlot(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let once = job("j1")
            let scheduled = job("j2", schedule: "*/1 * * * *", offset: 10)
            try await store.insertJob(once)
            try await store.insertJob(scheduled)
            try await store.insertJob(job("j3", digest: "sha-2", offset: 20))
            #expect(try await store.job(id: "j1") == once)
            #expect(try await store.jobs(workspaceID: "ws1").map(\.id) == ["j3", "j2", "j1"])
            #expect(try await store.jobs(packageDigest: "sha-1").map(\.id) == ["j2", "j1"])
            #expect(try await store.liveScheduledJobs().map(\.id) == ["j2"])
            #expect(try await store.jobs(status: .pending).count == 3)

            let slot = t0.addingTimeInterval(60)
            #expect(try await store.claimJobSlot(id: "j2", previous: t0, slot: slot))
            #expect(try await store.claimJobSlot(id: "j2", previous: t0, slot: slot) == false, "a slot is claimed once")
            #expect(try await store.job(id: "j2")?.lastScheduledAt == slot)
            let run = JobRun(id: "r1", jobID: "j2", workspaceID: "ws1", status: .running, slot: slot, createdAt: slot)
            #expect(try await store.insertJobRun(run))
            #expect(try await store.insertJobRun(JobRun(id: "r2", jobID: "j2", workspaceID: "ws1", status: .running, slot: slot,
                                                        createdAt: slot)) == false, "one run per slot")
            #expect(try await store.jobRun(id: "r2") == nil)
            // Run-once runs have no slot.
            #expect(try await store.insertJobRun(JobRun(id: "r3", jobID: "j1", workspaceID: "ws1", status: .running, slot: nil,
                                                        createdAt: t0.addingTimeInterval(5))))
            #expect(Set(try await store.runningJobRuns().map(\.id)) == ["r1", "r3"])
            #expect(try await store.finishJobRun(id: "r1", status: .succeeded, exitCode: 0, failureReason: nil, at: slot.addingTimeInterval(2)))
            #expect(try await store.finishJobRun(id: "r1", status: .failed, exitCode: 1, failureReason: "x", at: slot.addingTimeInterval(3)) == false)
            let ended = try #require(try await store.jobRun(id: "r1"))
            #expect(ended.status == .succeeded && ended.exitCode == 0 && ended.endedAt == slot.addingTimeInterval(2))
            #expect(try await store.jobRuns(jobID: "j2", status: .succeeded, limit: 10).map(\.id) == ["r1"])
            #expect(try await store.jobRuns(jobID: "j2", status: .running, limit: 10).isEmpty)

            #expect(try await store.updateJobStatus(id: "j2", from: [.pending, .started], to: .killRequested, at: slot))
            #expect(try await store.updateJobStatus(id: "j2", from: [.pending, .started], to: .started, at: slot) == false)
            #expect(try await store.liveScheduledJobs().isEmpty)
            #expect(try await store.claimJobSlot(id: "j2", previous: slot, slot: slot.addingTimeInterval(60)) == false,
                    "a killed job claims no slot")
            #expect(try await store.updateJobStatus(id: "j2", from: [], to: .killed, at: slot) == false)
        }
    }
}
