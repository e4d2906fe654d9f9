import SlipwayCore

/// The SDK's `InputSource` / `OutputDestination` dicts and the `mapping_type` / `mapping_value`
/// pairs of its execution views, read into and written from the core's typed mappings.
enum CraftAIMapping {
    /// Reads an `InputSource.to_dict()`: exactly one of `endpoint_input_name`,
    /// `environment_variable_name`, `constant_value`, `is_null`, `datastore_path`.
    static func input(_ json: JSONValue) throws(SlipwayError) -> InputMapping {
        guard let object = json.objectValue, let name = object["pipeline_input_name"]?.stringValue else {
            throw .badRequest("each inputs_mapping item needs a pipeline_input_name")
        }
        var sources: [InputSource] = []
        let required: Bool? = if case .bool(let flag)? = object["is_required"] { flag } else { nil }
        let fallback = object["default_value"]
        if let endpoint = object["endpoint_input_name"]?.stringValue {
            sources.append(.endpoint(name: endpoint, required: required, default: fallback))
        }
        if let variable = object["environment_variable_name"]?.stringValue { sources.append(.environmentVariable(name: variable)) }
        if let constant = object["constant_value"] { sources.append(.constant(constant)) }
        if case .bool(true)? = object["is_null"] { sources.append(.null) }
        if let path = object["datastore_path"]?.stringValue { sources.append(.dataStore(path: path)) }
        guard sources.count == 1, let source = sources.first else {
            throw .badRequest("inputs_mapping for '\(NameRules.printable(name))' must set exactly one of endpoint_input_name, "
                + "environment_variable_name, constant_value, is_null, datastore_path")
        }
        if source.kind != .endpoint, required != nil || fallback != nil {
            throw .badRequest("input '\(NameRules.printable(name))': is_required and default_value only apply to an "
                + "endpoint_input_name mapping")
        }
        return InputMapping(input: name, source: source)
    }

    /// Reads an `OutputDestination.to_dict()`: exactly one of `endpoint_output_name`, `is_null`,
    /// `datastore_path`.
    static func output(_ json: JSONValue) throws(SlipwayError) -> OutputMapping {
        guard let object = json.objectValue, let name = object["pipeline_output_name"]?.stringValue else {
            throw .badRequest("each outputs_mapping item needs a pipeline_output_name")
        }
        var destinations: [OutputDestination] = []
        if let endpoint = object["endpoint_output_name"]?.stringValue { destinations.append(.endpoint(name: endpoint)) }
        if case .bool(true)? = object["is_null"] { destinations.append(.null) }
        if let path = object["datastore_path"]?.stringValue { destinations.append(.dataStore(path: path)) }
        guard destinations.count == 1, let destination = destinations.first else {
            throw .badRequest("outputs_mapping for '\(NameRules.printable(name))' must set exactly one of "
                + "endpoint_output_name, is_null, datastore_path")
        }
        return OutputMapping(output: name, destination: destination)
    }

    /// A deployment's input mapping as the SDK's `InputSource` dict.
    static func json(_ mapping: InputMapping) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["pipeline_input_name": .string(mapping.input)]
        switch mapping.source {
        case .endpoint(let name, let required, let fallback):
            object["endpoint_input_name"] = .string(name)
            if let required { object["is_required"] = .bool(required) }
            if let fallback { object["default_value"] = fallback }
        default: object.merge(value(of: mapping.source, input: mapping.input)) { $1 }
        }
        return object
    }

    /// A deployment's output mapping as the SDK's `OutputDestination` dict.
    static func json(_ mapping: OutputMapping) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["pipeline_output_name": .string(mapping.output)]
        object.merge(value(of: mapping.destination, output: mapping.output)) { $1 }
        return object
    }

    /// `mapping_type` of an execution input.
    static func type(of source: InputSource) -> String {
        switch source {
        case .run: "run"
        case .endpoint: "endpoint"
        case .constant: "constant"
        case .environmentVariable: "environment_variable"
        case .dataStore: "datastore"
        case .null: "is_null"
        }
    }

    /// `mapping_value` of an execution input.
    static func value(of source: InputSource, input: String) -> [String: JSONValue] {
        switch source {
        case .run: ["run_input_name": .string(input)]
        case .endpoint(let name, _, _): ["endpoint_input_name": .string(name)]
        case .constant(let value): ["constant_value": value]
        case .environmentVariable(let name): ["environment_variable_name": .string(name)]
        case .dataStore(let path): ["datastore_path": .string(path)]
        case .null: ["is_null": .bool(true)]
        }
    }

    /// `mapping_type` of an execution output.
    static func type(of destination: OutputDestination) -> String {
        switch destination {
        case .run: "run"
        case .endpoint: "endpoint"
        case .dataStore: "datastore"
        case .null: "is_null"
        }
    }

    /// `mapping_value` of an execution output.
    static func value(of destination: OutputDestination, output: String) -> [String: JSONValue] {
        switch destination {
        case .run: ["run_output_name": .string(output)]
        case .endpoint(let name): ["endpoint_output_name": .string(name)]
        case .dataStore(let path): ["datastore_path": .string(path)]
        case .null: ["is_null": .bool(true)]
        }
    }

    /// The name an output has in an endpoint's answer.
    static func endpointName(of output: ExecutionOutput) -> String {
        output.destination.endpointName ?? output.name
    }
}
