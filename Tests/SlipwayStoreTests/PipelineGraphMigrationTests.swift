import Foundation
import SQLKit
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Migration 9 turns pipelines stored with one `step_id` (schema 8) into one-node graphs and
/// indexes their steps in `pipeline_steps` (a pipeline owning its step names the node after itself).
@Suite("Migration 9: pipeline graphs")
struct PipelineGraphMigrationTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test(arguments: StoreBackendKind.available)
    func stepPipelinesBecomeOneNodeGraphs(_ backend: StoreBackendKind) async throws {
        let temp = try await TestDatabase.create(backend)
        let step = Step(id: "step-1", workspaceID: "ws1", name: "adder", functionPath: "src/main.py", functionName: "run",
                        description: nil, inputs: [InputDefinition(name: "a", dataType: .number)],
                        outputs: [OutputDefinition(name: "sum", dataType: .number)],
                        containerConfig: ContainerConfig(language: "python:3.11-slim", requirementsPath: nil),
                        status: .ready, ownerPipelineName: nil, codeDigest: "abc", archiveBlob: "blob-0001",
                        environmentKey: nil, createdAt: t0, createdBy: "u1", updatedAt: t0)
        let store = try await temp.open()
        try await store.insertStep(step)
        try await store.insertPipeline(Pipeline(id: "p1", workspaceID: "ws1", name: "add", graph: PipelineGraph(nodes: []),
                                                ownsStep: true, createdAt: t0, createdBy: "u1"))
        // Rebuild the pipelines table as schema 8 had it.
        try await store.withDatabase { db in
            for statement in [
                "DROP TABLE pipeline_steps",
                """
                CREATE TABLE pipelines_v8 (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                    step_id TEXT NOT NULL, step_name TEXT NOT NULL, owns_step INTEGER NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL, UNIQUE (workspace_id, name))
                """,
                """
                INSERT INTO pipelines_v8 SELECT id, workspace_id, name, 'step-1', 'adder', owns_step, created_at, created_by
                FROM pipelines
                """,
                "DROP TABLE pipelines",
                "ALTER TABLE pipelines_v8 RENAME TO pipelines",
                "CREATE INDEX pipelines_step ON pipelines (step_id)",
                "DELETE FROM schema_migrations WHERE version = 9",
            ] {
                try await db.raw(SQLQueryString(statement)).run()
            }
        }
        await store.close()

        let migrated = try await temp.open()
        #expect(try await migrated.schemaVersion() == Migrations.all.count)
        let pipeline = try #require(try await migrated.pipeline(workspaceID: "ws1", name: "add"))
        #expect(pipeline.graph == .singleStep(nodeName: "add", stepID: "step-1", inputs: step.inputs, outputs: step.outputs))
        #expect(pipeline.ownsStep)
        #expect(try pipeline.singleStepID() == "step-1")
        #expect(try await migrated.pipelines(usingStepID: "step-1").map(\.id) == ["p1"])
        await migrated.close()
        await temp.remove()
    }
}
