import Foundation
import SlipwayCore

/// TetraScience protocols as workflow definitions: a stored protocol's steps, and whether a
/// pipeline's `pipelineConfig` suits its config items (every required item given, no unknown
/// one, secret items given as secrets). Used by the engine and by the offline commands.
public struct TetraProtocolDefinitions: FileWorkflowDefinitions {
    public init() {}

    public func stepIDs(of definition: CodePackage) throws(SlipwayError) -> [String] {
        try Self.protocolDefinition(definition).steps.map(\.id)
    }

    static func protocolDefinition(_ definition: CodePackage) throws(SlipwayError) -> ProtocolDefinition {
        guard definition.kind == .workflow, let document = definition.manifest["protocol"] else {
            throw .badRequest("\(definition.address) is not a protocol")
        }
        return try ProtocolDefinition.parse(document)
    }

    public func validate(config: [String: FilePipeline.ConfigValue], for definition: CodePackage) throws(SlipwayError) {
        let items = try Self.protocolDefinition(definition).config
        let declared = Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0) })
        if let unknown = config.keys.sorted().first(where: { declared[$0] == nil }) {
            throw .badRequest("pipelineConfig: '\(NameRules.printable(unknown))' is not a config item of the protocol "
                + "(items: \(items.map(\.name).joined(separator: ", ")))")
        }
        for item in items {
            switch config[item.name] {
            case nil:
                if item.required && item.defaultValue == nil {
                    throw .badRequest("pipelineConfig: '\(item.name)' is required by the protocol")
                }
            case .secret?:
                break
            case .literal?, .sharedSetting?:
                if item.kind == .secret {
                    throw .badRequest("pipelineConfig: '\(item.name)' is a secret: give it as {\"secret\": \"<name>\"}")
                }
            }
        }
    }
}
