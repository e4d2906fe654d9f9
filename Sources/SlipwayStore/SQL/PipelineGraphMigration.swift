import Foundation
import SQLKit
import SlipwayCore

/// Schema 9: every pipeline stored with one `step_id` becomes the one-node graph of that step
/// (the node named after the step, or after the pipeline when it owns its step; its inputs and
/// outputs the step's); the old columns go.
enum PipelineGraphMigration {
    @Sendable static func rewrite(_ db: any SQLDatabase, _ dialect: StoreDialect) async throws {
        let rows = try await db.raw("""
            SELECT pipelines.id AS id, steps.id AS step_id,
                CASE WHEN pipelines.owns_step = 1 THEN pipelines.name ELSE steps.name END AS node_name, steps.inputs_json AS inputs_json,
                steps.outputs_json AS outputs_json
            FROM pipelines JOIN steps ON steps.id = pipelines.step_id
            """).all()
        for row in rows {
            let graph = PipelineGraph.singleStep(
                nodeName: try row.string("node_name"), stepID: try row.string("step_id"),
                inputs: try row.json("inputs_json", as: [InputDefinition].self),
                outputs: try row.json("outputs_json", as: [OutputDefinition].self))
            try await db.raw("UPDATE pipelines SET graph_json = \(bind: encodeJSON(graph)) WHERE id = \(bind: try row.string("id"))")
                .run()
        }
        try await db.raw("DROP INDEX pipelines_step").run()
        try await db.raw("ALTER TABLE pipelines DROP COLUMN step_id").run()
        try await db.raw("ALTER TABLE pipelines DROP COLUMN step_name").run()
    }
}
