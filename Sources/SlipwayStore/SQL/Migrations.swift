import Foundation
import SQLKit

/// A numbered schema change with its revert.
struct Migration: Sendable {
    var version: Int
    var name: String
    var prepare: [MigrationStatement]
    var revert: [MigrationStatement]
    /// Runs after `prepare`, in the same transaction, for data changes that SQL alone expresses badly.
    var rewrite: (@Sendable (any SQLDatabase, StoreDialect) async throws -> Void)? = nil
}

/// The schema, in order, for every backend. Never edit a released migration: add a new one.
/// Statements are written once where both databases accept them; where they differ, the
/// SQLite text is the one released databases were created with and the PostgreSQL text says
/// the same in its types: `BIGSERIAL` ids, `bytea` log messages, byte-ordered ("C") text for
/// keys listed in order.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "identity", prepare: [
            """
            CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, email TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE memberships (workspace_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
                PRIMARY KEY (workspace_id, user_id))
            """,
            """
            CREATE TABLE tokens (id TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT NOT NULL,
                workspace_id TEXT NOT NULL, execution_id TEXT, secret_hash TEXT NOT NULL UNIQUE,
                created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION, revoked INTEGER NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX tokens_execution ON tokens (execution_id)",
        ], revert: ["DROP TABLE tokens", "DROP TABLE memberships", "DROP TABLE users", "DROP TABLE workspaces"]),
        Migration(version: 2, name: "catalog", prepare: [
            """
            CREATE TABLE steps (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                function_path TEXT NOT NULL, function_name TEXT NOT NULL, description TEXT,
                inputs_json TEXT NOT NULL, outputs_json TEXT NOT NULL, container_json TEXT NOT NULL,
                status TEXT NOT NULL, owner_pipeline TEXT, code_digest TEXT NOT NULL, archive_blob TEXT NOT NULL,
                environment_key TEXT, created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE pipelines (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                step_id TEXT NOT NULL, step_name TEXT NOT NULL, owns_step INTEGER NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL, UNIQUE (workspace_id, name))
            """,
            "CREATE INDEX pipelines_step ON pipelines (step_id)",
        ], revert: ["DROP TABLE pipelines", "DROP TABLE steps"]),
        Migration(version: 3, name: "executions", prepare: [
            """
            CREATE TABLE executions (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, pipeline_id TEXT NOT NULL,
                pipeline_name TEXT NOT NULL, step_id TEXT NOT NULL, deployment_name TEXT, trigger TEXT NOT NULL,
                status TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL,
                started_at DOUBLE PRECISION, ended_at DOUBLE PRECISION, failure_message TEXT)
            """,
            "CREATE INDEX executions_pipeline ON executions (workspace_id, pipeline_name, created_at)",
            "CREATE INDEX executions_status ON executions (status)",
            """
            CREATE TABLE execution_inputs (execution_id TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
                data_type TEXT NOT NULL, source TEXT NOT NULL, mapping_json TEXT NOT NULL, value_json TEXT,
                file_blob TEXT, file_name TEXT, PRIMARY KEY (execution_id, name))
            """,
            """
            CREATE TABLE execution_outputs (execution_id TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
                data_type TEXT NOT NULL, destination TEXT NOT NULL, mapping_json TEXT NOT NULL, value_json TEXT,
                file_blob TEXT, file_name TEXT, PRIMARY KEY (execution_id, name))
            """,
            MigrationStatement(sqlite: """
                CREATE TABLE log_lines (id INTEGER PRIMARY KEY AUTOINCREMENT, subject_type TEXT NOT NULL,
                    subject_id TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL, stream TEXT NOT NULL, message TEXT NOT NULL)
                """, postgres: """
                CREATE TABLE log_lines (id BIGSERIAL PRIMARY KEY, subject_type TEXT NOT NULL,
                    subject_id TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL, stream TEXT NOT NULL, message BYTEA NOT NULL)
                """),
            "CREATE INDEX log_lines_subject ON log_lines (subject_type, subject_id, id)",
        ], revert: ["DROP TABLE log_lines", "DROP TABLE execution_outputs", "DROP TABLE execution_inputs",
                    "DROP TABLE executions"]),
        Migration(version: 4, name: "metrics", prepare: [
            """
            CREATE TABLE metrics (workspace_id TEXT NOT NULL, execution_id TEXT NOT NULL, name TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL, pipeline_name TEXT NOT NULL, deployment_name TEXT,
                created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (execution_id, name))
            """,
            "CREATE INDEX metrics_workspace ON metrics (workspace_id, name)",
            MigrationStatement(sqlite: """
                CREATE TABLE list_metric_batches (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL,
                    execution_id TEXT NOT NULL, name TEXT NOT NULL, pipeline_name TEXT NOT NULL, deployment_name TEXT,
                    values_json TEXT NOT NULL, value_count INTEGER NOT NULL, created_at DOUBLE PRECISION NOT NULL)
                """, postgres: """
                CREATE TABLE list_metric_batches (id BIGSERIAL PRIMARY KEY, workspace_id TEXT NOT NULL,
                    execution_id TEXT NOT NULL, name TEXT NOT NULL, pipeline_name TEXT NOT NULL, deployment_name TEXT,
                    values_json TEXT NOT NULL, value_count INTEGER NOT NULL, created_at DOUBLE PRECISION NOT NULL)
                """),
            "CREATE INDEX list_metric_batches_series ON list_metric_batches (workspace_id, execution_id, name, id)",
        ], revert: ["DROP TABLE list_metric_batches", "DROP TABLE metrics"]),
        Migration(version: 5, name: "data store", prepare: [
            MigrationStatement(sqlite: """
                CREATE TABLE data_objects (workspace_id TEXT NOT NULL, path TEXT NOT NULL, size BIGINT NOT NULL,
                    blob TEXT NOT NULL, etag TEXT NOT NULL, last_modified DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (workspace_id, path))
                """, postgres: """
                CREATE TABLE data_objects (workspace_id TEXT NOT NULL, path TEXT COLLATE "C" NOT NULL, size BIGINT NOT NULL,
                    blob TEXT NOT NULL, etag TEXT NOT NULL, last_modified DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (workspace_id, path))
                """),
            """
            CREATE TABLE multipart_uploads (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, path TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL)
            """,
            MigrationStatement(sqlite: """
                CREATE TABLE environment_variables (workspace_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (workspace_id, name))
                """, postgres: """
                CREATE TABLE environment_variables (workspace_id TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL,
                    value TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (workspace_id, name))
                """),
        ], revert: ["DROP TABLE environment_variables", "DROP TABLE multipart_uploads", "DROP TABLE data_objects"]),
        Migration(version: 6, name: "deployments", prepare: [
            """
            CREATE TABLE deployments (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                pipeline_id TEXT NOT NULL, pipeline_name TEXT NOT NULL, step_id TEXT NOT NULL, rule TEXT NOT NULL,
                mode TEXT NOT NULL, description TEXT, is_enabled INTEGER NOT NULL, status TEXT NOT NULL,
                endpoint_path TEXT, endpoint_token_hash TEXT, endpoint_token_sealed TEXT, schedule TEXT,
                inputs_mapping_json TEXT NOT NULL, outputs_mapping_json TEXT NOT NULL,
                parallel_executions INTEGER NOT NULL, max_parallel_executions INTEGER NOT NULL,
                ram_request_bytes BIGINT, gpu_request INTEGER, execution_timeout_s INTEGER, generation INTEGER NOT NULL,
                last_scheduled_at DOUBLE PRECISION, created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL, updated_by TEXT NOT NULL,
                UNIQUE (workspace_id, name), UNIQUE (workspace_id, endpoint_path))
            """,
            "CREATE INDEX deployments_pipeline ON deployments (pipeline_id)",
            "CREATE INDEX executions_deployment ON executions (workspace_id, deployment_name, created_at)",
        ], revert: ["DROP INDEX executions_deployment", "DROP TABLE deployments"]),
        // Statuses in Slipway's own words (they were stored as the Craft AI SDK spells them).
        Migration(version: 7, name: "neutral statuses", prepare: [
            "UPDATE executions SET status = lower(status)",
            "UPDATE steps SET status = CASE status WHEN 'creation_pending' THEN 'pending' WHEN 'creation_failed' THEN 'failed' ELSE status END",
            """
            UPDATE deployments SET status = CASE status WHEN 'creation_pending' THEN 'starting' WHEN 'up' THEN 'ready'
                WHEN 'creation_failed' THEN 'failed' WHEN 'down_retrying' THEN 'restarting' ELSE status END
            """,
        ], revert: [
            """
            UPDATE executions SET status = upper(substr(status, 1, 1)) || substr(status, 2)
            """,
            "UPDATE steps SET status = CASE status WHEN 'pending' THEN 'creation_pending' WHEN 'failed' THEN 'creation_failed' ELSE status END",
            """
            UPDATE deployments SET status = CASE status WHEN 'starting' THEN 'creation_pending' WHEN 'ready' THEN 'up'
                WHEN 'failed' THEN 'creation_failed' WHEN 'restarting' THEN 'down_retrying' ELSE status END
            """,
        ]),
        // Mappings and token kinds in Slipway's own words (they were stored with the Craft AI SDK's
        // keys and names).
        Migration(version: 8, name: "typed mappings", prepare: [
            "UPDATE tokens SET kind = 'user' WHERE kind = 'sdk'",
            MigrationStatement(sqlite: """
            UPDATE execution_inputs SET
                source = CASE source WHEN 'datastore' THEN 'data_store' WHEN 'is_null' THEN 'null' ELSE source END,
                mapping_json = CASE source
                    WHEN 'constant' THEN json_object('value', json(mapping_json -> '$.constant_value'))
                    WHEN 'environment_variable' THEN json_object('name', mapping_json ->> '$.environment_variable_name')
                    WHEN 'endpoint' THEN json_object('name', mapping_json ->> '$.endpoint_input_name')
                    WHEN 'datastore' THEN json_object('path', mapping_json ->> '$.datastore_path')
                    ELSE '{}' END
            """, postgres: """
            UPDATE execution_inputs SET
                source = CASE source WHEN 'datastore' THEN 'data_store' WHEN 'is_null' THEN 'null' ELSE source END,
                mapping_json = CASE source
                    WHEN 'constant' THEN json_build_object('value', mapping_json::json -> 'constant_value')::text
                    WHEN 'environment_variable' THEN json_build_object('name', mapping_json::json ->> 'environment_variable_name')::text
                    WHEN 'endpoint' THEN json_build_object('name', mapping_json::json ->> 'endpoint_input_name')::text
                    WHEN 'datastore' THEN json_build_object('path', mapping_json::json ->> 'datastore_path')::text
                    ELSE '{}' END
            """),
            MigrationStatement(sqlite: """
            UPDATE execution_outputs SET
                destination = CASE destination WHEN 'datastore' THEN 'data_store' WHEN 'is_null' THEN 'null'
                    ELSE destination END,
                mapping_json = CASE destination
                    WHEN 'endpoint' THEN json_object('name', mapping_json ->> '$.endpoint_output_name')
                    WHEN 'datastore' THEN json_object('path', mapping_json ->> '$.datastore_path')
                    ELSE '{}' END
            """, postgres: """
            UPDATE execution_outputs SET
                destination = CASE destination WHEN 'datastore' THEN 'data_store' WHEN 'is_null' THEN 'null'
                    ELSE destination END,
                mapping_json = CASE destination
                    WHEN 'endpoint' THEN json_build_object('name', mapping_json::json ->> 'endpoint_output_name')::text
                    WHEN 'datastore' THEN json_build_object('path', mapping_json::json ->> 'datastore_path')::text
                    ELSE '{}' END
            """),
        ], revert: [], rewrite: LegacyMappings.rewriteDeployments),
        // A pipeline is a graph of nodes; which steps it runs is indexed in `pipeline_steps`.
        Migration(version: 9, name: "pipeline graphs", prepare: [
            "ALTER TABLE pipelines ADD COLUMN graph_json TEXT NOT NULL DEFAULT '{}'",
            """
            CREATE TABLE pipeline_steps (pipeline_id TEXT NOT NULL, step_id TEXT NOT NULL,
                PRIMARY KEY (pipeline_id, step_id))
            """,
            "CREATE INDEX pipeline_steps_step ON pipeline_steps (step_id)",
            "INSERT INTO pipeline_steps (pipeline_id, step_id) SELECT id, step_id FROM pipelines",
        ], revert: [], rewrite: PipelineGraphMigration.rewrite),
        // Signing in with passwords: users get a password hash, an enabled flag, an
        // administrator flag and names; workspaces a number (1, 2, … in creation order), their
        // creator and an archived flag; member roles become `owner`/`collaborator`; refresh
        // tokens of signed-in sessions are kept as hashes.
        Migration(version: 10, name: "sign-in", prepare: [
            "ALTER TABLE users ADD COLUMN password_hash TEXT",
            "ALTER TABLE users ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE users ADD COLUMN administrator INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN first_name TEXT",
            "ALTER TABLE users ADD COLUMN last_name TEXT",
            "UPDATE users SET administrator = 1 WHERE name = 'admin'",
            "CREATE INDEX users_email ON users (lower(email))",
            "ALTER TABLE workspaces ADD COLUMN number INTEGER",
            "ALTER TABLE workspaces ADD COLUMN created_by TEXT",
            "ALTER TABLE workspaces ADD COLUMN archived INTEGER NOT NULL DEFAULT 0",
            """
            UPDATE workspaces SET number = (SELECT COUNT(*) FROM workspaces AS earlier
                WHERE earlier.created_at < workspaces.created_at
                   OR (earlier.created_at = workspaces.created_at AND earlier.id <= workspaces.id))
            """,
            "UPDATE workspaces SET created_by = (SELECT id FROM users WHERE name = 'admin')",
            "CREATE UNIQUE INDEX workspaces_number ON workspaces (number)",
            """
            UPDATE memberships SET role = CASE role WHEN 'admin' THEN 'owner' WHEN 'member' THEN 'collaborator'
                ELSE role END
            """,
            "CREATE INDEX memberships_user ON memberships (user_id)",
            """
            CREATE TABLE session_tokens (secret_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL, user_id TEXT NOT NULL,
                client_id TEXT NOT NULL, long_lived INTEGER NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX session_tokens_session ON session_tokens (session_id)",
            "CREATE INDEX session_tokens_user ON session_tokens (user_id)",
        ], revert: [
            "DROP TABLE session_tokens", "DROP INDEX memberships_user",
            "UPDATE memberships SET role = CASE role WHEN 'owner' THEN 'admin' WHEN 'collaborator' THEN 'member' ELSE role END",
            "DROP INDEX workspaces_number", "DROP INDEX users_email",
        ]),
        // Models and their versions, pipeline versions, serving deployments, inference records and
        // the integer numbers some APIs name objects by.
        Migration(version: 11, name: "model serving", prepare: [
            """
            CREATE TABLE models (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
                created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE model_versions (id TEXT PRIMARY KEY, model_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
                number INTEGER NOT NULL, blob_key TEXT NOT NULL, file_name TEXT NOT NULL, size BIGINT NOT NULL,
                sha256 TEXT NOT NULL, framework TEXT NOT NULL, input_schema_json TEXT, output_schema_json TEXT,
                configuration_json TEXT, status TEXT NOT NULL, status_message TEXT, created_at DOUBLE PRECISION NOT NULL,
                created_by TEXT NOT NULL, UNIQUE (model_id, number))
            """,
            """
            CREATE TABLE pipeline_versions (id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
                graph_json TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL)
            """,
            "CREATE INDEX pipeline_versions_pipeline ON pipeline_versions (pipeline_id, created_at)",
            """
            CREATE TABLE model_deployments (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                pipeline_id TEXT NOT NULL, pipeline_version_id TEXT NOT NULL, resources_json TEXT NOT NULL,
                status TEXT NOT NULL, status_message TEXT, generation INTEGER NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (workspace_id, name))
            """,
            "CREATE INDEX model_deployments_pipeline ON model_deployments (pipeline_id)",
            MigrationStatement(sqlite: """
                CREATE TABLE inference_records (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, deployment_id TEXT NOT NULL,
                    pipeline_id TEXT NOT NULL, pipeline_version_id TEXT, model_version_id TEXT,
                    is_shadow INTEGER NOT NULL, shadow_of TEXT, time DOUBLE PRECISION NOT NULL, external_id TEXT,
                    inputs_json TEXT NOT NULL, outputs_json TEXT NOT NULL, ground_truth_json TEXT,
                    ground_truth_time DOUBLE PRECISION, latency_us BIGINT)
                """, postgres: """
                CREATE TABLE inference_records (id TEXT COLLATE "C" PRIMARY KEY, workspace_id TEXT NOT NULL,
                    deployment_id TEXT NOT NULL, pipeline_id TEXT NOT NULL, pipeline_version_id TEXT, model_version_id TEXT,
                    is_shadow INTEGER NOT NULL, shadow_of TEXT, time DOUBLE PRECISION NOT NULL, external_id TEXT,
                    inputs_json TEXT NOT NULL, outputs_json TEXT NOT NULL, ground_truth_json TEXT,
                    ground_truth_time DOUBLE PRECISION, latency_us BIGINT)
                """),
            "CREATE INDEX inference_records_pipeline ON inference_records (pipeline_id, is_shadow, time, id)",
            "CREATE INDEX inference_records_deployment ON inference_records (deployment_id, is_shadow, time, id)",
            "CREATE INDEX inference_records_shadow_of ON inference_records (shadow_of)",
            """
            CREATE TABLE object_numbers (kind TEXT NOT NULL, number BIGINT NOT NULL, object_id TEXT NOT NULL,
                PRIMARY KEY (kind, number), UNIQUE (kind, object_id))
            """,
        ], revert: [
            "DROP TABLE object_numbers", "DROP TABLE inference_records", "DROP TABLE model_deployments",
            "DROP TABLE pipeline_versions", "DROP TABLE model_versions", "DROP TABLE models",
        ]),
        // Inference records over the size limit keep the names of the features left out.
        Migration(version: 12, name: "inference record limits", prepare: [
            "ALTER TABLE inference_records ADD COLUMN dropped_json TEXT",
        ], revert: []),
        // Tracking: experiments (id unique within a workspace; "0" is each workspace's default),
        // runs, parameters, tags, metric history by (run, key, step, time), the latest point of
        // each metric (for indexed `metric > x` searches) and dataset inputs. Values can be long
        // (tags 8000 characters), so value columns are not indexed: lookups go by (run, key).
        Migration(version: 13, name: "tracking", prepare: [
            """
            CREATE TABLE tracking_experiments (workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
                artifact_location TEXT NOT NULL, lifecycle TEXT NOT NULL, created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, id), UNIQUE (workspace_id, name))
            """,
            "CREATE INDEX tracking_experiments_created ON tracking_experiments (workspace_id, created_at)",
            """
            CREATE TABLE tracking_experiment_tags (workspace_id TEXT NOT NULL, experiment_id TEXT NOT NULL, key TEXT NOT NULL,
                value TEXT NOT NULL, PRIMARY KEY (workspace_id, experiment_id, key))
            """,
            """
            CREATE TABLE tracking_runs (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, experiment_id TEXT NOT NULL,
                name TEXT NOT NULL, user_id TEXT NOT NULL, status TEXT NOT NULL, start_time BIGINT NOT NULL,
                end_time BIGINT, lifecycle TEXT NOT NULL)
            """,
            "CREATE INDEX tracking_runs_experiment ON tracking_runs (workspace_id, experiment_id, start_time)",
            """
            CREATE TABLE tracking_params (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (run_id, key))
            """,
            "CREATE INDEX tracking_params_key ON tracking_params (key, run_id)",
            """
            CREATE TABLE tracking_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (run_id, key))
            """,
            "CREATE INDEX tracking_tags_key ON tracking_tags (key, run_id)",
            """
            CREATE TABLE tracking_metric_history (run_id TEXT NOT NULL, key TEXT NOT NULL, step BIGINT NOT NULL,
                timestamp BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, is_nan INTEGER NOT NULL, model_id TEXT,
                dataset_name TEXT, dataset_digest TEXT)
            """,
            "CREATE INDEX tracking_metric_history_series ON tracking_metric_history (run_id, key, step, timestamp)",
            """
            CREATE TABLE tracking_latest_metrics (run_id TEXT NOT NULL, key TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,
                is_nan INTEGER NOT NULL, step BIGINT NOT NULL, timestamp BIGINT NOT NULL, PRIMARY KEY (run_id, key))
            """,
            "CREATE INDEX tracking_latest_metrics_value ON tracking_latest_metrics (key, value, run_id)",
            """
            CREATE TABLE tracking_inputs (run_id TEXT NOT NULL, name TEXT NOT NULL, digest TEXT NOT NULL,
                source_type TEXT NOT NULL, source TEXT NOT NULL, schema_json TEXT, profile TEXT, context TEXT,
                tags_json TEXT NOT NULL, PRIMARY KEY (run_id, name, digest))
            """,
            """
            CREATE TABLE tracking_logged_models (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, experiment_id TEXT NOT NULL,
                name TEXT NOT NULL, source_run_id TEXT, model_type TEXT, status TEXT NOT NULL, status_message TEXT,
                lifecycle TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX tracking_logged_models_experiment ON tracking_logged_models (workspace_id, experiment_id, created_at)",
            """
            CREATE TABLE tracking_logged_model_tags (model_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (model_id, key))
            """,
            """
            CREATE TABLE tracking_logged_model_params (model_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (model_id, key))
            """,
        ], revert: [
            "DROP TABLE tracking_logged_model_params", "DROP TABLE tracking_logged_model_tags",
            "DROP TABLE tracking_logged_models", "DROP TABLE tracking_inputs", "DROP TABLE tracking_latest_metrics", "DROP TABLE tracking_metric_history",
            "DROP TABLE tracking_tags", "DROP TABLE tracking_params", "DROP TABLE tracking_runs",
            "DROP TABLE tracking_experiment_tags", "DROP TABLE tracking_experiments",
        ]),
        // The model registry's facts: each version's description, legacy stage, source URI, run
        // and run link, last change and deletion (a deleted version's number is never reused);
        // tags of models and versions and the aliases of models, in tables of their own so
        // searches read a workspace's in one query each.
        Migration(version: 14, name: "model registry", prepare: [
            "ALTER TABLE model_versions ADD COLUMN description TEXT",
            "ALTER TABLE model_versions ADD COLUMN stage TEXT NOT NULL DEFAULT 'None'",
            "ALTER TABLE model_versions ADD COLUMN source TEXT",
            "ALTER TABLE model_versions ADD COLUMN run_id TEXT",
            "ALTER TABLE model_versions ADD COLUMN run_link TEXT",
            "ALTER TABLE model_versions ADD COLUMN updated_at DOUBLE PRECISION",
            "ALTER TABLE model_versions ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX model_versions_workspace_run ON model_versions (workspace_id, run_id)",
            """
            CREATE TABLE model_tags (model_id TEXT NOT NULL, workspace_id TEXT NOT NULL, tag_key TEXT NOT NULL,
                tag_value TEXT NOT NULL, PRIMARY KEY (model_id, tag_key))
            """,
            "CREATE INDEX model_tags_workspace ON model_tags (workspace_id)",
            """
            CREATE TABLE model_version_tags (version_id TEXT NOT NULL, workspace_id TEXT NOT NULL, tag_key TEXT NOT NULL,
                tag_value TEXT NOT NULL, PRIMARY KEY (version_id, tag_key))
            """,
            "CREATE INDEX model_version_tags_workspace ON model_version_tags (workspace_id)",
            """
            CREATE TABLE model_aliases (model_id TEXT NOT NULL, workspace_id TEXT NOT NULL, alias TEXT NOT NULL,
                version_id TEXT NOT NULL, PRIMARY KEY (model_id, alias))
            """,
            "CREATE INDEX model_aliases_workspace ON model_aliases (workspace_id)",
        ], revert: ["DROP TABLE model_aliases", "DROP TABLE model_version_tags", "DROP TABLE model_tags",
                    "DROP INDEX model_versions_workspace_run"]),
        // The ML asset catalog: assets with their semantic descriptions, data-space connectors
        // (keyed by their URI within a workspace), shared resources, and users' catalog profiles.
        Migration(version: 15, name: "asset catalog", prepare: [
            """
            CREATE TABLE catalog_assets (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL,
                name TEXT NOT NULL, version TEXT NOT NULL, description TEXT, model_path TEXT, tracking_uri TEXT,
                metadata_json TEXT NOT NULL, semantics_json TEXT, semantic_changes_json TEXT, created_at DOUBLE PRECISION NOT NULL,
                created_by TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, kind, name, version))
            """,
            """
            CREATE TABLE dataspace_connectors (workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
                type TEXT NOT NULL, description TEXT, public_key TEXT, access_url TEXT, reverse_proxy_url TEXT,
                created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL, PRIMARY KEY (workspace_id, id))
            """,
            """
            CREATE TABLE dataspace_resources (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, asset_id TEXT NOT NULL,
                connector_id TEXT NOT NULL, kind TEXT NOT NULL, timestamp_text TEXT, registration_json TEXT,
                created_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL)
            """,
            "CREATE INDEX dataspace_resources_connector ON dataspace_resources (workspace_id, connector_id)",
            "CREATE TABLE catalog_user_profiles (user_id TEXT PRIMARY KEY, role TEXT)",
        ], revert: [
            "DROP TABLE catalog_user_profiles", "DROP TABLE dataspace_resources", "DROP TABLE dataspace_connectors",
            "DROP TABLE catalog_assets",
        ]),
        // Model registries on other servers that workspaces import models from.
        Migration(version: 16, name: "model registry connections", prepare: [
            """
            CREATE TABLE model_registry_connections (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, sealed_token TEXT,
                created_by TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE model_registry_workspaces (
                registry_id TEXT NOT NULL REFERENCES model_registry_connections(id),
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                attached_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (registry_id, workspace_id))
            """,
            "CREATE INDEX model_registry_workspaces_by_workspace ON model_registry_workspaces (workspace_id, attached_at)",
        ], revert: ["DROP TABLE model_registry_workspaces", "DROP TABLE model_registry_connections"]),
        // Monitored models (served elsewhere) with their attributes as JSON, the batches and
        // reference data of their inferences, and what ingestion needs on the record store: the
        // sender's batch of a record, and lookups of records by (deployment, external id).
        Migration(version: 17, name: "monitored models", prepare: [
            """
            CREATE TABLE monitored_models (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, partner_model_id TEXT NOT NULL,
                display_name TEXT NOT NULL, description TEXT, input_kind TEXT NOT NULL, output_kind TEXT NOT NULL,
                is_batch INTEGER NOT NULL, status TEXT NOT NULL, attributes_json TEXT NOT NULL, created_by TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (workspace_id, partner_model_id))
            """,
            "CREATE INDEX monitored_models_workspace ON monitored_models (workspace_id, created_at)",
            """
            CREATE TABLE monitoring_batches (model_id TEXT NOT NULL, batch_id TEXT NOT NULL, status TEXT NOT NULL,
                stored_count BIGINT NOT NULL, declared_count BIGINT, created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (model_id, batch_id))
            """,
            """
            CREATE TABLE reference_data_sets (model_id TEXT PRIMARY KEY, status TEXT NOT NULL, stored_count BIGINT NOT NULL,
                declared_count BIGINT, created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE reference_rows (model_id TEXT NOT NULL, row_number BIGINT NOT NULL, values_json TEXT NOT NULL,
                PRIMARY KEY (model_id, row_number))
            """,
            "ALTER TABLE inference_records ADD COLUMN batch_id TEXT",
            "CREATE INDEX inference_records_external ON inference_records (deployment_id, external_id)",
        ], revert: [
            "DROP INDEX inference_records_external", "DROP TABLE reference_rows", "DROP TABLE reference_data_sets",
            "DROP TABLE monitoring_batches", "DROP TABLE monitored_models",
        ]),
        // Assays and their stored window results (one per assay and window), and per-feature
        // columns of inference records: each appended batch adds, per pipeline, model version and
        // numeric feature (vector elements each), one row of packed (time, value) pairs, so drift
        // reads the one feature it needs instead of every record.
        Migration(version: 18, name: "assays and feature columns", prepare: [
            """
            CREATE TABLE assays (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, pipeline_id TEXT NOT NULL,
                name TEXT NOT NULL, active INTEGER NOT NULL, analyzed_windows BIGINT NOT NULL,
                last_run_at DOUBLE PRECISION, created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                assay_json TEXT NOT NULL)
            """,
            "CREATE INDEX assays_pipeline ON assays (pipeline_id, created_at)",
            "CREATE INDEX assays_active ON assays (active)",
            """
            CREATE TABLE assay_results (id TEXT PRIMARY KEY, assay_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
                window_index BIGINT NOT NULL, window_start DOUBLE PRECISION NOT NULL, status TEXT NOT NULL,
                analyzed_at DOUBLE PRECISION NOT NULL, result_json TEXT NOT NULL, UNIQUE (assay_id, window_index))
            """,
            "CREATE INDEX assay_results_window ON assay_results (assay_id, window_start)",
            "CREATE INDEX assay_results_status ON assay_results (workspace_id, status, analyzed_at)",
            MigrationStatement(sqlite: """
                CREATE TABLE inference_columns (workspace_id TEXT NOT NULL, pipeline_id TEXT NOT NULL,
                    model_version_id TEXT NOT NULL, side TEXT NOT NULL, feature TEXT NOT NULL, element INTEGER NOT NULL,
                    first_time DOUBLE PRECISION NOT NULL, last_time DOUBLE PRECISION NOT NULL, value_count INTEGER NOT NULL,
                    points BLOB NOT NULL)
                """, postgres: """
                CREATE TABLE inference_columns (workspace_id TEXT NOT NULL, pipeline_id TEXT NOT NULL,
                    model_version_id TEXT NOT NULL, side TEXT NOT NULL, feature TEXT NOT NULL, element INTEGER NOT NULL,
                    first_time DOUBLE PRECISION NOT NULL, last_time DOUBLE PRECISION NOT NULL, value_count INTEGER NOT NULL,
                    points BYTEA NOT NULL)
                """),
            "CREATE INDEX inference_columns_feature ON inference_columns (pipeline_id, side, feature, element, last_time)",
        ], revert: ["DROP TABLE inference_columns", "DROP TABLE assay_results", "DROP TABLE assays"],
        rewrite: InferenceColumns.backfill),
        // Data-store folders bound to monitored models, and one ingestion record per (binding,
        // object path, object version) of the capture files written there: its primary key is
        // what makes a file ingested once; the claim columns say which attempt holds it.
        Migration(version: 19, name: "capture bindings", prepare: [
            """
            CREATE TABLE capture_bindings (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, model_id TEXT NOT NULL,
                folder TEXT NOT NULL, created_by TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                UNIQUE (model_id, folder))
            """,
            "CREATE INDEX capture_bindings_workspace ON capture_bindings (workspace_id, created_at)",
            """
            CREATE TABLE capture_ingestions (binding_id TEXT NOT NULL, path TEXT NOT NULL, version TEXT NOT NULL,
                workspace_id TEXT NOT NULL, model_id TEXT NOT NULL, size BIGINT NOT NULL, status TEXT NOT NULL,
                success_count BIGINT NOT NULL, failure_count BIGINT NOT NULL, total_count BIGINT NOT NULL,
                failures_json TEXT NOT NULL, attempts INTEGER NOT NULL, claim_token TEXT, claimed_until DOUBLE PRECISION,
                created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (binding_id, path, version))
            """,
            "CREATE INDEX capture_ingestions_recent ON capture_ingestions (binding_id, updated_at)",
            "CREATE INDEX capture_ingestions_model ON capture_ingestions (model_id)",
        ], revert: ["DROP TABLE capture_ingestions", "DROP TABLE capture_bindings"]),
        // Whether a pipeline deployment keeps its endpoint executions as inference records: off
        // for every deployment that existed before (recording is opt-in). Like version 12, the
        // revert keeps the column (older SQLite cannot drop one; older code ignores it).
        Migration(version: 20, name: "deployment inference recording", prepare: [
            "ALTER TABLE deployments ADD COLUMN record_inferences INTEGER NOT NULL DEFAULT 0",
        ], revert: []),
        // Retention of inference records: each workspace's own setting (`days` NULL keeps them
        // for ever; no row follows the server's default), and the indexes the retention pass
        // deletes through: records by (workspace, time), feature columns by (workspace, first
        // time).
        Migration(version: 21, name: "inference retention", prepare: [
            """
            CREATE TABLE inference_retention (workspace_id TEXT PRIMARY KEY, days INTEGER,
                updated_at DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX inference_records_workspace_time ON inference_records (workspace_id, time)",
            "CREATE INDEX inference_columns_workspace_first ON inference_columns (workspace_id, first_time)",
        ], revert: ["DROP INDEX inference_columns_workspace_first", "DROP INDEX inference_records_workspace_time",
                    "DROP TABLE inference_retention"]),
        // Shared settings (plain values) and secrets (sealed values with the id of the key that
        // sealed them) of each workspace, unique per (workspace, name), listed by name; and
        // connections to external systems (names unique on the server, details sealed) with one
        // row per attachment to a workspace, the attachment having an id of its own.
        Migration(version: 22, name: "shared settings, secrets and connections", prepare: [
            MigrationStatement(sqlite: """
                CREATE TABLE shared_settings (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                    value TEXT NOT NULL, version BIGINT NOT NULL, updated_by TEXT, created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, name))
                """, postgres: """
                CREATE TABLE shared_settings (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL,
                    value TEXT NOT NULL, version BIGINT NOT NULL, updated_by TEXT, created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, name))
                """),
            MigrationStatement(sqlite: """
                CREATE TABLE secrets (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                    sealed_value TEXT NOT NULL, key_id TEXT NOT NULL, version BIGINT NOT NULL, updated_by TEXT,
                    created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, name))
                """, postgres: """
                CREATE TABLE secrets (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL,
                    sealed_value TEXT NOT NULL, key_id TEXT NOT NULL, version BIGINT NOT NULL, updated_by TEXT,
                    created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, name))
                """),
            """
            CREATE TABLE connections (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
                sealed_details TEXT NOT NULL, key_id TEXT NOT NULL, created_by TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE connection_workspaces (id TEXT NOT NULL UNIQUE, connection_id TEXT NOT NULL,
                workspace_id TEXT NOT NULL, attached_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (connection_id, workspace_id))
            """,
            "CREATE INDEX connection_workspaces_by_workspace ON connection_workspaces (workspace_id, attached_at)",
        ], revert: ["DROP TABLE connection_workspaces", "DROP TABLE connections", "DROP TABLE secrets", "DROP TABLE shared_settings"]),
        // A metric's history is read in (step, timestamp, value) order: with `value` in the
        // index the pages are an index walk, not a sort of the whole series per page.
        Migration(version: 23, name: "metric history order", prepare: [
            "CREATE INDEX tracking_metric_history_order ON tracking_metric_history (run_id, key, step, timestamp, value)",
            "DROP INDEX tracking_metric_history_series",
        ], revert: [
            "CREATE INDEX tracking_metric_history_series ON tracking_metric_history (run_id, key, step, timestamp)",
            "DROP INDEX tracking_metric_history_order",
        ]),
        // Versioned code packages of each workspace (function libraries, workflow definitions,
        // schemas, task programs), unique per (workspace, kind, namespace, slug, version); the
        // manifest is the dialect's validated descriptor as JSON.
        Migration(version: 24, name: "code packages", prepare: [
            MigrationStatement(sqlite: """
                CREATE TABLE code_packages (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL,
                    namespace TEXT NOT NULL, slug TEXT NOT NULL, version TEXT NOT NULL, code_digest TEXT NOT NULL,
                    size_bytes BIGINT NOT NULL, archive_blob TEXT NOT NULL, manifest_json TEXT NOT NULL, python_version TEXT,
                    requirements_path TEXT, setup_script_path TEXT, status TEXT NOT NULL, environment_key TEXT, failure_reason TEXT, created_by TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                    UNIQUE (workspace_id, kind, namespace, slug, version))
                """, postgres: """
                CREATE TABLE code_packages (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL,
                    namespace TEXT COLLATE "C" NOT NULL, slug TEXT COLLATE "C" NOT NULL, version TEXT COLLATE "C" NOT NULL,
                    code_digest TEXT NOT NULL, size_bytes BIGINT NOT NULL, archive_blob TEXT NOT NULL, manifest_json TEXT NOT NULL,
                    python_version TEXT, requirements_path TEXT, setup_script_path TEXT, status TEXT NOT NULL, environment_key TEXT, failure_reason TEXT,
                    created_by TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                    UNIQUE (workspace_id, kind, namespace, slug, version))
                """),
            "CREATE INDEX code_packages_pending ON code_packages (status)",
        ], revert: ["DROP INDEX code_packages_pending", "DROP TABLE code_packages"]),
        // Jobs (a package's program run once or by schedule) and their runs; a scheduled run is
        // unique per (job, slot), so one slot never runs twice.
        Migration(version: 25, name: "jobs", prepare: [
            """
            CREATE TABLE jobs (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, package_id TEXT NOT NULL,
                package_digest TEXT NOT NULL, entry_point TEXT NOT NULL, environment_json TEXT NOT NULL, name TEXT,
                arguments_json TEXT NOT NULL, schedule TEXT, timeout_seconds BIGINT,
                status TEXT NOT NULL, last_scheduled_at DOUBLE PRECISION, created_by TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX jobs_workspace ON jobs (workspace_id, created_at)",
            "CREATE INDEX jobs_digest ON jobs (package_digest)",
            """
            CREATE TABLE job_runs (id TEXT PRIMARY KEY, job_id TEXT NOT NULL, workspace_id TEXT NOT NULL, status TEXT NOT NULL,
                slot DOUBLE PRECISION, exit_code BIGINT, failure_reason TEXT, created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL, ended_at DOUBLE PRECISION, UNIQUE (job_id, slot))
            """,
            "CREATE INDEX job_runs_job ON job_runs (job_id, updated_at)",
            "CREATE INDEX job_runs_status ON job_runs (status)",
        ], revert: ["DROP INDEX job_runs_status", "DROP INDEX job_runs_job", "DROP TABLE job_runs", "DROP INDEX jobs_digest",
                    "DROP INDEX jobs_workspace", "DROP TABLE jobs"]),
        // File attributes (category, labels, metadata, the pipeline that wrote the file) on data
        // objects; file pipelines and their workflows, a workflow unique per (pipeline, file
        // version) so that a file noticed twice still runs once.
        Migration(version: 26, name: "file pipelines", prepare: [
            "ALTER TABLE data_objects ADD COLUMN attributes_json TEXT",
            """
            CREATE TABLE file_pipelines (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
                description TEXT NOT NULL, package_id TEXT NOT NULL, config_json TEXT NOT NULL, condition_json TEXT NOT NULL,
                enabled BIGINT NOT NULL, enabled_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, name))
            """,
            "CREATE INDEX file_pipelines_enabled ON file_pipelines (enabled, workspace_id)",
            """
            CREATE TABLE file_workflows (id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
                file_path TEXT NOT NULL, file_version TEXT NOT NULL, status TEXT NOT NULL, steps_json TEXT NOT NULL,
                attempts BIGINT NOT NULL, failure_reason TEXT, claim_token TEXT, claimed_until DOUBLE PRECISION,
                created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, started_at DOUBLE PRECISION,
                ended_at DOUBLE PRECISION, UNIQUE (pipeline_id, file_path, file_version))
            """,
            "CREATE INDEX file_workflows_workspace ON file_workflows (workspace_id, created_at)",
            "CREATE INDEX file_workflows_status ON file_workflows (status, claimed_until)",
        ], revert: ["DROP INDEX file_workflows_status", "DROP INDEX file_workflows_workspace", "DROP TABLE file_workflows",
                    "DROP INDEX file_pipelines_enabled", "DROP TABLE file_pipelines",
                    "ALTER TABLE data_objects DROP COLUMN attributes_json"]),
        // Whether a workspace's workflow steps may reach the network (on unless switched off).
        Migration(version: 27, name: "workspace network policy", prepare: [
            "ALTER TABLE workspaces ADD COLUMN outbound_network BIGINT NOT NULL DEFAULT 1",
        ], revert: ["ALTER TABLE workspaces DROP COLUMN outbound_network"]),
        // Browsing a workspace's whole history (the web UI's executions page): newest first, by
        // status or by pipeline, ties broken by id, so that a deep page is read from the index.
        Migration(version: 28, name: "executions by workspace and time", prepare: [
            "CREATE INDEX executions_workspace_created ON executions (workspace_id, created_at, id)",
            "CREATE INDEX executions_workspace_status ON executions (workspace_id, status, created_at, id)",
            "DROP INDEX executions_pipeline",
            "CREATE INDEX executions_pipeline ON executions (workspace_id, pipeline_name, created_at, id)",
        ], revert: ["DROP INDEX executions_pipeline",
                    "CREATE INDEX executions_pipeline ON executions (workspace_id, pipeline_name, created_at)",
                    "DROP INDEX executions_workspace_status", "DROP INDEX executions_workspace_created"]),
    ]
}