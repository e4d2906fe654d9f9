import Foundation
import SQLKit
import SlipwayCore

/// Reads deployment mappings in the shape stored before schema 8 (the Craft AI SDK's
/// `InputSource` / `OutputDestination` dicts) and rewrites them in Slipway's encoding.
enum LegacyMappings {
    @Sendable static func rewriteDeployments(_ db: any SQLDatabase, _ dialect: StoreDialect) async throws {
        let rows = try await db.raw("SELECT id, inputs_mapping_json, outputs_mapping_json FROM deployments").all()
        for row in rows {
            let inputs = try JSONValue.parse(try row.string("inputs_mapping_json")).arrayValue ?? []
            let outputs = try JSONValue.parse(try row.string("outputs_mapping_json")).arrayValue ?? []
            let newInputs = try inputs.map { try input($0).stored }
            let newOutputs = try outputs.map { try output($0).stored }
            try await db.raw("""
                UPDATE deployments SET inputs_mapping_json = \(bind: JSONValue.array(newInputs).jsonString()),
                    outputs_mapping_json = \(bind: JSONValue.array(newOutputs).jsonString())
                WHERE id = \(bind: try row.string("id"))
                """).run()
        }
    }

    static func input(_ item: JSONValue) throws -> InputMapping {
        let object = item.objectValue ?? [:]
        guard let name = object["pipeline_input_name"]?.stringValue else { throw SlipwayError.internal("unreadable stored mapping") }
        let source: InputSource
        if let endpoint = object["endpoint_input_name"]?.stringValue {
            let required: Bool? = if case .bool(let flag)? = object["is_required"] { flag } else { nil }
            source = .endpoint(name: endpoint, required: required, default: object["default_value"])
        } else if let variable = object["environment_variable_name"]?.stringValue {
            source = .environmentVariable(name: variable)
        } else if let constant = object["constant_value"] {
            source = .constant(constant)
        } else if let path = object["datastore_path"]?.stringValue {
            source = .dataStore(path: path)
        } else {
            source = .null
        }
        return InputMapping(input: name, source: source)
    }

    static func output(_ item: JSONValue) throws -> OutputMapping {
        let object = item.objectValue ?? [:]
        guard let name = object["pipeline_output_name"]?.stringValue else { throw SlipwayError.internal("unreadable stored mapping") }
        let destination: OutputDestination
        if let endpoint = object["endpoint_output_name"]?.stringValue {
            destination = .endpoint(name: endpoint)
        } else if let path = object["datastore_path"]?.stringValue {
            destination = .dataStore(path: path)
        } else {
            destination = .null
        }
        return OutputMapping(output: name, destination: destination)
    }
}
