import Foundation

/// The legacy lifecycle stage of a model version in the registry: every version starts in
/// `none`; moving one to `staging` or `production` may archive the others in that stage.
public enum ModelStage: String, Sendable, Codable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Reads a stage the way registry clients spell it, in any letter case.
    public init(name: String) throws(SlipwayError) {
        guard let stage = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw .badRequest("invalid model version stage '\(NameRules.printable(name))': "
                + "expected one of None, Staging, Production, Archived")
        }
        self = stage
    }
}
