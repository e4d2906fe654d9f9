import Foundation
import SlipwayCore

/// `engine_config` of a deployment (protocol reference §8.2) read into the core's serving
/// resources. Keys this server cannot honour (GPUs, node labels, architectures other than the
/// machine's) are refused with a 400 that names them.
enum WallarooEngineConfig {
    static let supported = ["cpus", "memory", "replica_count", "replica_autoscale_min_max", "autoscale_cpu_utilization",
                            "disable_autoscale", "lb_cpus", "lb_memory", "sidekick_cpus", "sidekick_memory", "sidekick_env"]

    static func resources(_ value: JSONValue?) throws -> ServingResources {
        guard let value, value != .null else { return ServingResources() }
        guard case .object(let config) = value else { throw SlipwayError.badRequest("'engine_config' must be an object") }
        var resources = ServingResources()
        for (key, entry) in config.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "cpus":
                guard case .number(let cpus) = entry, cpus > 0 else {
                    throw SlipwayError.badRequest("engine_config.cpus must be a positive number")
                }
                resources.cpus = cpus
            case "memory":
                guard let text = entry.stringValue else {
                    throw SlipwayError.badRequest("engine_config.memory must be a string such as \"999Mi\" or \"1GiB\"")
                }
                resources.memoryBytes = try memory(text, key: "engine_config.memory")
            case "replica_count":
                resources.replicas = try count(entry, key: "engine_config.replica_count", minimum: 1)
            case "replica_autoscale_min_max":
                guard case .object(let bounds) = entry else {
                    throw SlipwayError.badRequest("engine_config.replica_autoscale_min_max must be {\"minimum\", \"maximum\"}")
                }
                if let minimum = bounds["minimum"] {
                    resources.minimumReplicas = try count(minimum, key: "engine_config.replica_autoscale_min_max.minimum", minimum: 0)
                }
                if let maximum = bounds["maximum"] {
                    resources.maximumReplicas = try count(maximum, key: "engine_config.replica_autoscale_min_max.maximum", minimum: 1)
                }
            case "autoscale_cpu_utilization":
                guard case .number(let percent) = entry else {
                    throw SlipwayError.badRequest("engine_config.autoscale_cpu_utilization must be a number (percent)")
                }
                resources.targetCPUPercent = percent
            case "disable_autoscale":
                guard case .bool = entry else { throw SlipwayError.badRequest("engine_config.disable_autoscale must be a boolean") }
            case "lb_cpus", "lb_memory", "sidekick_cpus", "sidekick_memory", "sidekick_env":
                // The load balancer is Slipway's own HTTP server, and models run natively (no
                // sidekick containers): these are accepted and have nothing to size.
                continue
            case "gpus", "sidekick_gpus":
                if case .number(let gpus) = entry, gpus == 0 { continue }
                if case .object(let object) = entry, object["core_count"] == .number(0) { continue }
                throw SlipwayError.badRequest("engine_config.\(key): this server has no GPUs to give a deployment")
            case "deployment_label":
                throw SlipwayError.badRequest("engine_config.deployment_label: this server has no node pools to select")
            case "arch", "sidekick_arch":
                guard let arch = entry.stringValue, ["x86", "x86_64", "amd64"].contains(arch.lowercased()) else {
                    throw SlipwayError.badRequest("engine_config.\(key): only the machine's own architecture (x86) is available")
                }
            default:
                throw SlipwayError.badRequest("engine_config.\(NameRules.printable(key)) is not supported (supported: "
                    + supported.joined(separator: ", ") + ")")
            }
        }
        try resources.validate()
        return resources
    }

    static func memory(_ text: String, key: String) throws -> Int64 {
        do {
            return try ResourceQuantity.bytes(text)
        } catch {
            throw SlipwayError.badRequest("\(key) '\(NameRules.printable(text))' is not a memory quantity such as 999Mi or 1GiB")
        }
    }

    static func count(_ value: JSONValue, key: String, minimum: Int) throws -> Int {
        guard case .number(let number) = value, number == number.rounded(), number >= Double(minimum), number <= 1000 else {
            throw SlipwayError.badRequest("\(key) must be an integer of at least \(minimum)")
        }
        return Int(number)
    }
}
