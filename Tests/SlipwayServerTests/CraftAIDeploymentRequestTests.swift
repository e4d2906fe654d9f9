import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

@Suite("Craft AI create_deployment bodies")
struct CraftAIDeploymentRequestTests {
    /// A minimal valid body for `rule`, with `extra` keys added or replaced.
    static func body(_ rule: ExecutionRule, _ extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var body: [String: JSONValue] = ["pipeline_name": .string("my-pipeline"), "name": .string("my-deployment")]
        if rule == .periodic { body["schedule"] = .string("*/5 * * * *") }
        return body.merging(extra) { _, new in new }
    }

    func expectBadRequest(_ message: String, _ body: [String: JSONValue], rule: ExecutionRule,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let request = try CraftAIDeploymentRequest.create(body, rule: rule)
            Issue.record("expected a BadRequest error, got \(request)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .badRequest, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Defaults and names

    @Test func minimalEndpoint() throws {
        let request = try CraftAIDeploymentRequest.create(Self.body(.endpoint), rule: .endpoint)
        #expect(request.pipelineName == "my-pipeline")
        #expect(request.name == "my-deployment")
        #expect(request.rule == .endpoint)
        #expect(request.mode == .elastic, "elastic by default")
        #expect(request.description == nil)
        #expect(request.parallelExecutions == nil)
        #expect(request.maxParallelExecutions == nil)
        #expect(request.ramRequestBytes == nil)
        #expect(request.gpuRequest == nil)
        #expect(request.executionTimeoutSeconds == nil)
        #expect(request.schedule == nil)
        #expect(request.endpointPath == nil)
        #expect(request.endpointToken == nil)
        #expect(request.inputsMapping.isEmpty)
        #expect(request.outputsMapping.isEmpty)
    }

    @Test func fullEndpoint() throws {
        let request = try CraftAIDeploymentRequest.create(Self.body(.endpoint, [
            "mode": .string("low_latency"), "description": .string("scores things"),
            "enable_parallel_executions": .bool(true), "max_parallel_executions_per_pod": .number(8),
            "ram_request": .string("1GiB"), "gpu_request": .number(0), "execution_timeout_s": .number(30),
            "endpoint_url_path": .string("score/v1"), "endpoint_token": .string("tok"),
            "inputs_mapping": .array([.object(["pipeline_input_name": .string("a"), "endpoint_input_name": .string("x")])]),
            "outputs_mapping": .array([.object(["pipeline_output_name": .string("b"), "is_null": .bool(true)])]),
        ]), rule: .endpoint)
        #expect(request.mode == .lowLatency)
        #expect(request.description == "scores things")
        #expect(request.parallelExecutions == true)
        #expect(request.maxParallelExecutions == 8)
        #expect(request.ramRequestBytes == 1 << 30)
        #expect(request.gpuRequest == 0)
        #expect(request.executionTimeoutSeconds == 30)
        #expect(request.endpointPath == "score/v1")
        #expect(request.endpointToken == "tok")
        #expect(request.inputsMapping == [InputMapping(input: "a", source: .endpoint(name: "x"))])
        #expect(request.outputsMapping == [OutputMapping(output: "b", destination: .null)])
    }

    @Test func nullsMeanAbsent() throws {
        let request = try CraftAIDeploymentRequest.create(Self.body(.endpoint, [
            "mode": .null, "description": .null, "enable_parallel_executions": .null,
            "max_parallel_executions_per_pod": .null, "ram_request": .null, "gpu_request": .null,
            "execution_timeout_s": .null, "schedule": .null, "endpoint_url_path": .null, "inputs_mapping": .null,
            "outputs_mapping": .null,
        ]), rule: .endpoint)
        #expect(request.mode == .elastic)
        #expect(request.schedule == nil)
        #expect(request.inputsMapping.isEmpty)
    }

    @Test func nameAndPipeline() throws {
        let alias = try CraftAIDeploymentRequest.create(["pipeline_name": .string("p"), "deployment_name": .string("d-1")],
                                          rule: .endpoint)
        #expect(alias.name == "d-1", "deployment_name is accepted as an alias")
        let both = try CraftAIDeploymentRequest.create(["pipeline_name": .string("p"), "name": .string("a"),
                                                "deployment_name": .string("b")], rule: .endpoint)
        #expect(both.name == "a", "name wins")

        expectBadRequest("pipeline_name is required", ["name": .string("d")], rule: .endpoint)
        expectBadRequest("pipeline_name is required", ["pipeline_name": .string(""), "name": .string("d")], rule: .endpoint)
        expectBadRequest("pipeline_name must be a string", ["pipeline_name": .number(1), "name": .string("d")],
                         rule: .endpoint)
        expectBadRequest("name is required", ["pipeline_name": .string("p")], rule: .endpoint)
        expectBadRequest("name is required", ["pipeline_name": .string("p"), "name": .string("")], rule: .endpoint)
        expectBadRequest("name must be a string", ["pipeline_name": .string("p"), "name": .bool(true)], rule: .endpoint)
        for bad in ["Upper", "-lead", "trail-", "under_score", String(repeating: "a", count: 64)] {
            expectBadRequest("deployment name", ["pipeline_name": .string("p"), "name": .string(bad)], rule: .endpoint)
        }
    }

    // MARK: - Rule-specific fields

    @Test func periodicNeedsASchedule() throws {
        let request = try CraftAIDeploymentRequest.create(Self.body(.periodic), rule: .periodic)
        #expect(request.schedule == "*/5 * * * *")
        let message = "a periodic deployment needs a schedule"
        expectBadRequest(message, Self.body(.endpoint), rule: .periodic)
        expectBadRequest(message, Self.body(.periodic, ["schedule": .null]), rule: .periodic)
        expectBadRequest(message, Self.body(.periodic, ["schedule": .string("")]), rule: .periodic)
        expectBadRequest(message, Self.body(.periodic, ["schedule": .string("   ")]), rule: .periodic)
        expectBadRequest("schedule must be a string", Self.body(.periodic, ["schedule": .number(5)]), rule: .periodic)
    }

    @Test func periodicRefusesEndpointFields() {
        let message = "endpoint_url_path and endpoint_token only apply to endpoint deployments"
        expectBadRequest(message, Self.body(.periodic, ["endpoint_url_path": .string("x")]), rule: .periodic)
        expectBadRequest(message, Self.body(.periodic, ["endpoint_token": .string("t")]), rule: .periodic)
    }

    @Test func scheduleOnEndpointRefused() {
        let message = "schedule only applies to periodic deployments"
        expectBadRequest(message, Self.body(.endpoint, ["schedule": .string("0 * * * *")]), rule: .endpoint)
        expectBadRequest(message, Self.body(.endpoint, ["schedule": .string("")]), rule: .endpoint)
    }

    @Test func scheduleIsKeptAsWritten() throws {
        // Cron syntax is checked by the service, which also trims it.
        let request = try CraftAIDeploymentRequest.create(Self.body(.periodic, ["schedule": .string(" @hourly ")]), rule: .periodic)
        #expect(request.schedule == " @hourly ")
    }

    // MARK: - Mode and parallelism

    @Test(arguments: ["fast", "LOW_LATENCY", "lowLatency", ""])
    func badMode(_ mode: String) {
        expectBadRequest("mode must be 'elastic' or 'low_latency', not '\(mode)'",
                         Self.body(.endpoint, ["mode": .string(mode)]), rule: .endpoint)
    }

    @Test func modeMustBeAString() {
        expectBadRequest("mode must be a string", Self.body(.endpoint, ["mode": .number(1)]), rule: .endpoint)
    }

    @Test func parallelRequiresLowLatency() throws {
        expectBadRequest("enable_parallel_executions requires mode 'low_latency'",
                         Self.body(.endpoint, ["enable_parallel_executions": .bool(true)]), rule: .endpoint)
        expectBadRequest("enable_parallel_executions requires mode 'low_latency'",
                         Self.body(.periodic, ["mode": .string("elastic"), "enable_parallel_executions": .bool(true)]),
                         rule: .periodic)
        let off = try CraftAIDeploymentRequest.create(Self.body(.endpoint, ["enable_parallel_executions": .bool(false)]),
                                        rule: .endpoint)
        #expect(off.parallelExecutions == false)
        let on = try CraftAIDeploymentRequest.create(Self.body(.periodic, [
            "mode": .string("low_latency"), "enable_parallel_executions": .bool(true),
        ]), rule: .periodic)
        #expect(on.parallelExecutions == true)
        expectBadRequest("enable_parallel_executions must be a boolean",
                         Self.body(.endpoint, ["enable_parallel_executions": .string("true")]), rule: .endpoint)
    }

    @Test func maxParallelRange() throws {
        for ok in [1, 6, DeploymentRequest.maxParallelLimit] {
            let request = try CraftAIDeploymentRequest.create(Self.body(.endpoint, ["mode": .string("low_latency"),
                "max_parallel_executions_per_pod": .number(Double(ok))]), rule: .endpoint)
            #expect(request.maxParallelExecutions == ok)
        }
        for bad in [0, -1, DeploymentRequest.maxParallelLimit + 1] {
            expectBadRequest("max_parallel_executions_per_pod must be between 1 and 256",
                             Self.body(.endpoint, ["max_parallel_executions_per_pod": .number(Double(bad))]), rule: .endpoint)
        }
        expectBadRequest("max_parallel_executions_per_pod must be an integer",
                         Self.body(.endpoint, ["max_parallel_executions_per_pod": .number(1.5)]), rule: .endpoint)
        expectBadRequest("max_parallel_executions_per_pod must be an integer",
                         Self.body(.endpoint, ["max_parallel_executions_per_pod": .string("4")]), rule: .endpoint)
        #expect(DeploymentRequest.defaultMaxParallel == 6)
    }

    // MARK: - Resources

    @Test(arguments: [
        ("512MiB", Int64(512) << 20), ("1GiB", Int64(1) << 30), ("1.5Gi", Int64(3) << 29), ("64Mi", Int64(64) << 20),
        ("800M", Int64(800_000_000)), ("2G", Int64(2_000_000_000)), ("1e9", Int64(1_000_000_000)),
        ("100000000", Int64(100_000_000)), (" 256 MiB ", Int64(256) << 20), ("2TiB", Int64(2) << 40),
        ("70000KiB", Int64(70_000) << 10), ("67108864B", Int64(67_108_864)),
    ])
    func ramParsing(_ text: String, _ bytes: Int64) throws {
        let request = try CraftAIDeploymentRequest.create(Self.body(.endpoint, ["ram_request": .string(text)]), rule: .endpoint)
        #expect(request.ramRequestBytes == bytes)
    }

    @Test(arguments: ["bad", "", "MiB", "-1GiB", "0", "0GiB", "1 GB RAM", "12XB", "nan", "inf", "1e20", "512mib"])
    func badRamQuantities(_ text: String) {
        expectBadRequest("is not a memory quantity such as 512MiB or 2GiB",
                         Self.body(.endpoint, ["ram_request": .string(text)]), rule: .endpoint)
    }

    @Test func ramFloorAndType() {
        expectBadRequest("ram_request must be at least 64MiB",
                         Self.body(.endpoint, ["ram_request": .string("63MiB")]), rule: .endpoint)
        expectBadRequest("ram_request must be at least 64MiB",
                         Self.body(.endpoint, ["ram_request": .string("1")]), rule: .endpoint)
        expectBadRequest("ram_request must be a string",
                         Self.body(.endpoint, ["ram_request": .number(1_073_741_824)]), rule: .endpoint)
    }

    @Test func resourceQuantityUnits() throws {
        #expect(try ResourceQuantity.bytes("1KiB") == 1024)
        #expect(try ResourceQuantity.bytes("1Ki") == 1024)
        #expect(try ResourceQuantity.bytes("1KB") == 1000)
        #expect(try ResourceQuantity.bytes("1K") == 1000)
        #expect(try ResourceQuantity.bytes("1MB") == 1_000_000)
        #expect(try ResourceQuantity.bytes("1Mi") == 1_048_576)
        #expect(try ResourceQuantity.bytes("1GB") == 1_000_000_000)
        #expect(try ResourceQuantity.bytes("1Ti") == 1 << 40)
        #expect(try ResourceQuantity.bytes("1TB") == 1_000_000_000_000)
        #expect(try ResourceQuantity.bytes("1T") == 1_000_000_000_000)
        #expect(try ResourceQuantity.bytes("10B") == 10)
        #expect(try ResourceQuantity.bytes("0.5KiB") == 512)
        #expect(throws: SlipwayError.self) { try ResourceQuantity.bytes("1000TiB") }
    }

    @Test func gpuRequest() throws {
        let none = try CraftAIDeploymentRequest.create(Self.body(.endpoint, ["gpu_request": .number(0)]), rule: .endpoint)
        #expect(none.gpuRequest == 0)
        for count in [1, 2, 8] {
            expectBadRequest("gpu_request: this Slipway node has no GPU to give",
                             Self.body(.endpoint, ["gpu_request": .number(Double(count))]), rule: .endpoint)
        }
        expectBadRequest("gpu_request must not be negative",
                         Self.body(.endpoint, ["gpu_request": .number(-1)]), rule: .endpoint)
        expectBadRequest("gpu_request must be an integer", Self.body(.endpoint, ["gpu_request": .number(0.5)]),
                         rule: .endpoint)
        expectBadRequest("gpu_request must be an integer", Self.body(.endpoint, ["gpu_request": .string("0")]),
                         rule: .endpoint)
    }

    @Test func timeoutRange() throws {
        for ok in [1, 60, 7 * 86_400] {
            let request = try CraftAIDeploymentRequest.create(Self.body(.endpoint, ["execution_timeout_s": .number(Double(ok))]),
                                                rule: .endpoint)
            #expect(request.executionTimeoutSeconds == ok)
        }
        for bad in [0.0, -5, 604_801, 1e8] {
            expectBadRequest("execution_timeout_s must be between 1 and 604800",
                             Self.body(.endpoint, ["execution_timeout_s": .number(bad)]), rule: .endpoint)
        }
        for bad: JSONValue in [.number(1.5), .number(1e12), .string("60"), .bool(true)] {
            expectBadRequest("execution_timeout_s must be an integer",
                             Self.body(.endpoint, ["execution_timeout_s": bad]), rule: .endpoint)
        }
    }

    // MARK: - Mappings and other types

    @Test func mappingLists() throws {
        expectBadRequest("inputs_mapping must be a list",
                         Self.body(.endpoint, ["inputs_mapping": .object([:])]), rule: .endpoint)
        expectBadRequest("outputs_mapping must be a list",
                         Self.body(.endpoint, ["outputs_mapping": .string("x")]), rule: .endpoint)
        let many = JSONValue.array(Array(repeating: .object(["pipeline_input_name": .string("a"), "is_null": .bool(true)]),
                                         count: 1_001))
        expectBadRequest("inputs_mapping has too many items", Self.body(.endpoint, ["inputs_mapping": many]), rule: .endpoint)
        expectBadRequest("each inputs_mapping item needs a pipeline_input_name",
                         Self.body(.endpoint, ["inputs_mapping": .array([.string("a")])]), rule: .endpoint)
        expectBadRequest("must set exactly one of",
                         Self.body(.endpoint, ["inputs_mapping": .array([.object([
                             "pipeline_input_name": .string("a"), "constant_value": .number(1),
                             "endpoint_input_name": .string("a"),
                         ])])]), rule: .endpoint)
        expectBadRequest("each outputs_mapping item needs a pipeline_output_name",
                         Self.body(.endpoint, ["outputs_mapping": .array([.object([:])])]), rule: .endpoint)
        // Exactly 1000 is fine; duplicates are the planner's business.
        let thousand = JSONValue.array(Array(repeating: .object(["pipeline_input_name": .string("a"), "is_null": .bool(true)]),
                                             count: 1_000))
        let request = try CraftAIDeploymentRequest.create(Self.body(.endpoint, ["inputs_mapping": thousand]), rule: .endpoint)
        #expect(request.inputsMapping.count == 1_000)
    }

    @Test func stringFieldsMustBeStrings() {
        for key in ["description", "endpoint_url_path", "endpoint_token"] {
            expectBadRequest("\(key) must be a string", Self.body(.endpoint, [key: .number(1)]), rule: .endpoint)
        }
    }
}
