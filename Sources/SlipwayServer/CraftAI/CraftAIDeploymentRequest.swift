import Foundation
import SlipwayCore

/// The bodies of `create_deployment` and `update_deployment`, as the SDK sends them, plus one
/// key of Slipway's own that the SDK never sends (its signatures are fixed) but a plain HTTP
/// call may: `record_inferences` (bool), which keeps successful endpoint executions as
/// inference records.
enum CraftAIDeploymentRequest {
    static let maxParallelLimit = DeploymentRequest.maxParallelLimit

    /// Decodes and checks a `create_deployment` body.
    static func create(_ body: [String: JSONValue], rule: ExecutionRule) throws(SlipwayError) -> DeploymentRequest {
        let fields = Fields(body)
        guard let pipeline = try fields.string("pipeline_name"), !pipeline.isEmpty else {
            throw .badRequest("pipeline_name is required")
        }
        var given = try fields.string("name")
        if given == nil { given = try fields.string("deployment_name") }
        guard let name = given, !name.isEmpty else {
            throw .badRequest("name is required")
        }
        try NameRules.validateResourceName(name, kind: "deployment")
        let modeText = try fields.string("mode") ?? "elastic"
        guard let mode = DeploymentMode(rawValue: modeText) else {
            throw .badRequest("mode must be 'elastic' or 'low_latency', not '\(NameRules.printable(modeText))'")
        }
        var request = DeploymentRequest(pipelineName: pipeline, name: name, rule: rule, mode: mode)
        request.description = try fields.string("description")
        request.parallelExecutions = try fields.bool("enable_parallel_executions")
        request.maxParallelExecutions = try fields.integer("max_parallel_executions_per_pod")
        if let count = request.maxParallelExecutions, !(1...maxParallelLimit).contains(count) {
            throw .badRequest("max_parallel_executions_per_pod must be between 1 and \(maxParallelLimit)")
        }
        request.ramRequestBytes = try fields.string("ram_request").map { text throws(SlipwayError) in
            try ResourceQuantity.bytes(text)
        }
        if let bytes = request.ramRequestBytes, bytes < 64 << 20 {
            throw .badRequest("ram_request must be at least 64MiB (a Python worker needs more to start)")
        }
        request.gpuRequest = try fields.integer("gpu_request")
        if let gpus = request.gpuRequest, gpus < 0 { throw .badRequest("gpu_request must not be negative") }
        if let gpus = request.gpuRequest, gpus > 0 { throw .badRequest("gpu_request: this Slipway node has no GPU to give") }
        request.executionTimeoutSeconds = try fields.integer("execution_timeout_s")
        if let seconds = request.executionTimeoutSeconds, !(1...7 * 86_400).contains(seconds) {
            throw .badRequest("execution_timeout_s must be between 1 and 604800")
        }
        request.schedule = try fields.string("schedule")
        request.endpointPath = try fields.string("endpoint_url_path")
        request.endpointToken = try fields.string("endpoint_token")
        request.recordInferences = try fields.bool("record_inferences")
        request.inputsMapping = try list(body["inputs_mapping"], key: "inputs_mapping").map { item throws(SlipwayError) in
            try CraftAIMapping.input(item)
        }
        request.outputsMapping = try list(body["outputs_mapping"], key: "outputs_mapping").map { item throws(SlipwayError) in
            try CraftAIMapping.output(item)
        }
        switch rule {
        case .periodic:
            guard let schedule = request.schedule, !schedule.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .badRequest("a periodic deployment needs a schedule (5-field cron in UTC, e.g. '0 * * * *')")
            }
            if request.endpointPath != nil || request.endpointToken != nil {
                throw .badRequest("endpoint_url_path and endpoint_token only apply to endpoint deployments")
            }
        case .endpoint:
            if request.schedule != nil { throw .badRequest("schedule only applies to periodic deployments") }
        }
        if mode == .elastic, request.parallelExecutions == true {
            throw .badRequest("enable_parallel_executions requires mode 'low_latency'")
        }
        return request
    }

    /// Decodes an `update_deployment` body.
    static func changes(_ body: [String: JSONValue]) throws(SlipwayError) -> DeploymentChanges {
        let known: Set<String> = ["is_enabled", "schedule", "inputs_mapping", "outputs_mapping", "record_inferences"]
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest("'\(NameRules.printable(unknown))' cannot be updated; "
                + "update_deployment changes is_enabled, schedule, inputs_mapping, outputs_mapping or record_inferences")
        }
        let fields = Fields(body)
        var changes = DeploymentChanges(isEnabled: try fields.bool("is_enabled"),
                                        recordInferences: try fields.bool("record_inferences"))
        if let value = body["schedule"], value != .null {
            guard let text = value.stringValue else {
                throw .badRequest("schedule can only be set on a periodic deployment, as a string")
            }
            changes.schedule = text
        }
        if let value = body["inputs_mapping"], value != .null {
            changes.inputsMapping = try list(value, key: "inputs_mapping").map { item throws(SlipwayError) in
                try CraftAIMapping.input(item)
            }
        }
        if let value = body["outputs_mapping"], value != .null {
            changes.outputsMapping = try list(value, key: "outputs_mapping").map { item throws(SlipwayError) in
                try CraftAIMapping.output(item)
            }
        }
        return changes
    }

    static func list(_ value: JSONValue?, key: String) throws(SlipwayError) -> [JSONValue] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw .badRequest("\(key) must be a list") }
        guard items.count <= 1_000 else { throw .badRequest("\(key) has too many items") }
        return items
    }

    /// Typed reads of a body's fields; a null field is an absent one.
    struct Fields {
        let body: [String: JSONValue]
        init(_ body: [String: JSONValue]) { self.body = body }

        func string(_ key: String) throws(SlipwayError) -> String? {
            guard let value = body[key], value != .null else { return nil }
            guard let text = value.stringValue else { throw .badRequest("\(key) must be a string") }
            return text
        }

        func integer(_ key: String) throws(SlipwayError) -> Int? {
            guard let value = body[key], value != .null else { return nil }
            guard case .number(let number) = value, number == number.rounded(), abs(number) < 1e9 else {
                throw .badRequest("\(key) must be an integer")
            }
            return Int(number)
        }

        func bool(_ key: String) throws(SlipwayError) -> Bool? {
            guard let value = body[key], value != .null else { return nil }
            guard case .bool(let flag) = value else { throw .badRequest("\(key) must be a boolean") }
            return flag
        }
    }
}
