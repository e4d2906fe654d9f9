import Foundation

/// A `create_deployment` request, decoded from the SDK's JSON body.
public struct DeploymentRequest: Sendable {
    public var pipelineName: String
    public var name: String
    public var rule: ExecutionRule
    public var mode: DeploymentMode
    public var description: String?
    public var parallelExecutions: Bool?
    public var maxParallelExecutions: Int?
    public var ramRequestBytes: Int64?
    public var gpuRequest: Int?
    public var executionTimeoutSeconds: Int?
    public var schedule: String?
    public var endpointPath: String?
    public var endpointToken: String?
    public var inputsMapping: [InputMapping]
    public var outputsMapping: [OutputMapping]

    /// Default of `max_parallel_executions_per_pod`.
    public static let defaultMaxParallel = 6
    public static let maxParallelLimit = 256

    public init(json body: [String: JSONValue], rule: ExecutionRule) throws(SlipwayError) {
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
        guard let pipeline = try string("pipeline_name"), !pipeline.isEmpty else { throw .badRequest("pipeline_name is required") }
        var given = try string("name")
        if given == nil { given = try string("deployment_name") }
        guard let name = given, !name.isEmpty else {
            throw .badRequest("name is required")
        }
        try NameRules.validateResourceName(name, kind: "deployment")
        self.pipelineName = pipeline
        self.name = name
        self.rule = rule
        let modeText = try string("mode") ?? "elastic"
        guard let mode = DeploymentMode(rawValue: modeText) else {
            throw .badRequest("mode must be 'elastic' or 'low_latency', not '\(NameRules.printable(modeText))'")
        }
        self.mode = mode
        description = try string("description")
        if let value = body["enable_parallel_executions"], value != .null {
            guard case .bool(let flag) = value else { throw .badRequest("enable_parallel_executions must be a boolean") }
            parallelExecutions = flag
        }
        maxParallelExecutions = try integer("max_parallel_executions_per_pod")
        if let count = maxParallelExecutions, !(1...Self.maxParallelLimit).contains(count) {
            throw .badRequest("max_parallel_executions_per_pod must be between 1 and \(Self.maxParallelLimit)")
        }
        ramRequestBytes = try string("ram_request").map { text throws(SlipwayError) in try ResourceQuantity.bytes(text) }
        if let bytes = ramRequestBytes, bytes < 64 << 20 {
            throw .badRequest("ram_request must be at least 64MiB (a Python worker needs more to start)")
        }
        gpuRequest = try integer("gpu_request")
        if let gpus = gpuRequest, gpus < 0 {
            throw .badRequest("gpu_request must not be negative")
        }
        if let gpus = gpuRequest, gpus > 0 {
            throw .badRequest("gpu_request: this Slipway node has no GPU to give")
        }
        executionTimeoutSeconds = try integer("execution_timeout_s")
        if let seconds = executionTimeoutSeconds, !(1...7 * 86_400).contains(seconds) {
            throw .badRequest("execution_timeout_s must be between 1 and 604800")
        }
        schedule = try string("schedule")
        endpointPath = try string("endpoint_url_path")
        endpointToken = try string("endpoint_token")
        inputsMapping = try Self.list(body["inputs_mapping"], key: "inputs_mapping").map { item throws(SlipwayError) in
            try InputMapping(json: item)
        }
        outputsMapping = try Self.list(body["outputs_mapping"], key: "outputs_mapping").map { item throws(SlipwayError) in
            try OutputMapping(json: item)
        }
        switch rule {
        case .periodic:
            guard let schedule, !schedule.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .badRequest("a periodic deployment needs a schedule (5-field cron in UTC, e.g. '0 * * * *')")
            }
            if endpointPath != nil || endpointToken != nil {
                throw .badRequest("endpoint_url_path and endpoint_token only apply to endpoint deployments")
            }
        case .endpoint:
            if schedule != nil { throw .badRequest("schedule only applies to periodic deployments") }
        }
        if mode == .elastic, parallelExecutions == true {
            throw .badRequest("enable_parallel_executions requires mode 'low_latency'")
        }
    }

    static func list(_ value: JSONValue?, key: String) throws(SlipwayError) -> [JSONValue] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw .badRequest("\(key) must be a list") }
        guard items.count <= 1_000 else { throw .badRequest("\(key) has too many items") }
        return items
    }
}
