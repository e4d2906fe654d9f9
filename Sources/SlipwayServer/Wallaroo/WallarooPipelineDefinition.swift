import Foundation
import SlipwayCore

/// A Wallaroo pipeline `definition` (`{"steps": [...]}`) read into the core's chain of model
/// nodes. Steps: `{"ModelInference": {"models": [m]}}` (one model; with more, the first is the
/// champion and the others run as shadows), `{"RandomSplit": {"weights": [{"model": m,
/// "weight": w}], "hash_key": …}}` (A/B), `{"ShadowDeploy": {"champion": m, "challengers": [m…]}}`;
/// `AuditResults` and `Nth` steps that the SDK writes after a shadow step are accepted and have no
/// effect. Each `m` is `{"name", "version", "sha"}`: the version is the model version's UUID and
/// must match the name and SHA-256 when they are given.
struct WallarooPipelineDefinition {
    struct ModelReference {
        var name: String?
        var version: String
        var sha: String?
    }

    struct Step {
        var model: ModelReference
        var routing: Routing?
    }

    enum Routing {
        case split([(ModelReference, Int)])
        case shadow([ModelReference])
    }

    var steps: [Step]

    init(_ value: JSONValue?) throws {
        guard let value, value != .null else {
            steps = []
            return
        }
        guard case .object(let object) = value else { throw SlipwayError.badRequest("'definition' must be an object") }
        guard let stepsValue = object["steps"] else {
            steps = []
            return
        }
        guard case .array(let items) = stepsValue else { throw SlipwayError.badRequest("'definition.steps' must be an array") }
        var steps: [Step] = []
        for (index, item) in items.enumerated() {
            guard case .object(let step) = item, step.count == 1, let (kind, body) = step.first else {
                throw SlipwayError.badRequest("definition.steps[\(index)] must be an object with one step kind")
            }
            let at = "definition.steps[\(index)].\(kind)"
            switch kind {
            case "ModelInference":
                guard case .array(let models)? = body.objectValue?["models"], !models.isEmpty else {
                    throw SlipwayError.badRequest("\(at).models must be a non-empty array")
                }
                let references = try models.enumerated().map { try Self.reference($1, at: "\(at).models[\($0)]") }
                steps.append(Step(model: references[0], routing: references.count > 1 ? .shadow(Array(references.dropFirst())) : nil))
            case "RandomSplit":
                guard case .array(let weights)? = body.objectValue?["weights"], weights.count >= 2 else {
                    throw SlipwayError.badRequest("\(at).weights must list at least two models")
                }
                let arms = try weights.enumerated().map { position, arm -> (ModelReference, Int) in
                    guard case .object(let entry) = arm, let model = entry["model"] else {
                        throw SlipwayError.badRequest("\(at).weights[\(position)] must be {\"model\": …, \"weight\": …}")
                    }
                    guard case .number(let weight)? = entry["weight"], weight >= 1, weight == weight.rounded(),
                          weight <= Double(ModelRouting.maximumWeight) else {
                        throw SlipwayError.badRequest("\(at).weights[\(position)].weight must be a positive integer")
                    }
                    return (try Self.reference(model, at: "\(at).weights[\(position)].model"), Int(weight))
                }
                steps.append(Step(model: arms[0].0, routing: .split(arms)))
            case "ShadowDeploy":
                guard let champion = body.objectValue?["champion"],
                      case .array(let challengers)? = body.objectValue?["challengers"], !challengers.isEmpty else {
                    throw SlipwayError.badRequest("\(at) needs a 'champion' and a non-empty 'challengers' array")
                }
                steps.append(Step(model: try Self.reference(champion, at: "\(at).champion"), routing: .shadow(
                    try challengers.enumerated().map { try Self.reference($1, at: "\(at).challengers[\($0)]") })))
            case "AuditResults", "Nth", "MultiOut":
                continue
            default:
                throw SlipwayError.badRequest("\(at): unknown step kind '\(NameRules.printable(kind))' (Slipway runs "
                    + "ModelInference, RandomSplit and ShadowDeploy steps)")
            }
        }
        self.steps = steps
    }

    static func reference(_ value: JSONValue, at path: String) throws -> ModelReference {
        guard case .object(let object) = value, let version = object["version"]?.stringValue else {
            throw SlipwayError.badRequest("\(path) must be {\"name\", \"version\", \"sha\"} with the model version's UUID")
        }
        return ModelReference(name: object["name"]?.stringValue, version: version, sha: object["sha"]?.stringValue)
    }

    /// Every model version the definition names, checked against the registry.
    func graph(models: ModelRegistryService, workspaceID: String) async throws -> PipelineGraph {
        var chain: [(modelVersionID: String, name: String, routing: ModelRouting?)] = []
        for step in steps {
            let own = try await Self.resolve(step.model, models: models, workspaceID: workspaceID)
            var routing: ModelRouting?
            switch step.routing {
            case .split(let arms)?:
                var resolved: [ModelRouting.Arm] = []
                for (reference, weight) in arms {
                    let version = try await Self.resolve(reference, models: models, workspaceID: workspaceID)
                    resolved.append(ModelRouting.Arm(modelVersionID: version.id, weight: weight))
                }
                routing = .split(arms: resolved)
            case .shadow(let challengers)?:
                var ids: [String] = []
                for reference in challengers {
                    ids.append(try await Self.resolve(reference, models: models, workspaceID: workspaceID).id)
                }
                routing = .shadow(challengers: ids)
            case nil:
                routing = nil
            }
            let model = try await models.model(id: own.modelID)
            chain.append((own.id, model.name, routing))
        }
        return ModelPipelineService.chain(chain)
    }

    static func resolve(_ reference: ModelReference, models: ModelRegistryService, workspaceID: String) async throws
        -> ModelVersion {
        let version = try await models.version(id: reference.version, workspaceID: workspaceID)
        let model = try await models.model(id: version.modelID)
        if let name = reference.name, name != model.name {
            throw SlipwayError.badRequest("model version \(reference.version) belongs to model '\(model.name)', "
                + "not '\(NameRules.printable(name))'")
        }
        if let sha = reference.sha, sha.lowercased() != version.sha256.value {
            throw SlipwayError.badRequest("model version \(reference.version) has SHA-256 \(version.sha256.value), "
                + "not \(NameRules.printable(sha))")
        }
        return version
    }
}
