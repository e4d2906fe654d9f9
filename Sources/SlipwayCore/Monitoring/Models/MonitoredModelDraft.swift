import Foundation

/// What a caller asks for when registering a monitored model; ``validate()`` states the rules.
public struct MonitoredModelDraft: Sendable, Equatable {
    public var partnerModelID: String
    public var displayName: String?
    public var description: String?
    public var inputKind: MonitoredModel.InputKind
    public var outputKind: MonitoredModel.OutputKind
    public var isBatch: Bool
    public var attributes: [MonitoredAttribute]

    public static let maximumAttributes = 2000
    public static let maximumDescriptionBytes = 4096

    public init(partnerModelID: String, displayName: String? = nil, description: String? = nil,
                inputKind: MonitoredModel.InputKind, outputKind: MonitoredModel.OutputKind, isBatch: Bool = false,
                attributes: [MonitoredAttribute]) {
        self.partnerModelID = partnerModelID
        self.displayName = displayName
        self.description = description
        self.inputKind = inputKind
        self.outputKind = outputKind
        self.isBatch = isBatch
        self.attributes = attributes
    }

    /// The partner id and name are 1–255 bytes without control characters; there is at least
    /// one model input and one prediction; attribute names are unique feature names; positions
    /// are unique within a stage; a link names an attribute of the other side (prediction ↔
    /// ground truth) and categories only come with categorical attributes.
    public func validate() throws(SlipwayError) {
        guard NameRules.isPrintableLabel(partnerModelID, maximumBytes: MonitoredModel.maximumNameBytes) else {
            throw .badRequest("the partner model id must be 1 to \(MonitoredModel.maximumNameBytes) bytes without control characters")
        }
        if let displayName, !NameRules.isPrintableLabel(displayName, maximumBytes: MonitoredModel.maximumNameBytes) {
            throw .badRequest("the model name must be 1 to \(MonitoredModel.maximumNameBytes) bytes without control characters")
        }
        if let description, description.utf8.count > Self.maximumDescriptionBytes {
            throw .badRequest("the model description must be at most \(Self.maximumDescriptionBytes) bytes")
        }
        guard attributes.count <= Self.maximumAttributes else {
            throw .badRequest("a model has at most \(Self.maximumAttributes) attributes")
        }
        var names: Set<String> = []
        var positions: Set<String> = []
        for attribute in attributes {
            let name = NameRules.printable(attribute.name)
            guard NameRules.isPrintableLabel(attribute.name, maximumBytes: MonitoredAttribute.maximumNameBytes) else {
                throw .badRequest("attribute name '\(name)' must be 1 to \(MonitoredAttribute.maximumNameBytes) bytes without control characters")
            }
            guard names.insert(attribute.name).inserted else { throw .badRequest("attribute '\(name)' is declared twice") }
            guard attribute.position >= 0 else { throw .badRequest("attribute '\(name)' has a negative position") }
            guard positions.insert("\(attribute.stage.rawValue)|\(attribute.position)").inserted else {
                throw .badRequest("attribute '\(name)' has the position of another attribute of its stage")
            }
            if !attribute.categories.isEmpty, !attribute.isCategorical {
                throw .badRequest("attribute '\(name)' lists categories but is not categorical")
            }
        }
        for attribute in attributes {
            guard let link = attribute.linkedAttribute else { continue }
            guard let other = attributes.first(where: { $0.name == link }) else {
                throw .badRequest("attribute '\(NameRules.printable(attribute.name))' links to '\(NameRules.printable(link))', which is not declared")
            }
            let sides: Set<InferenceBatch.Side> = [attribute.stage.side, other.stage.side]
            guard sides == [.output, .groundTruth] else {
                throw .badRequest("attribute '\(NameRules.printable(attribute.name))' may only link a prediction to a ground truth")
            }
        }
        guard attributes.contains(where: { $0.stage == .modelInput }) else {
            throw .badRequest("a model needs at least one model input attribute")
        }
        guard attributes.contains(where: { $0.stage == .predictedValue }) else {
            throw .badRequest("a model needs at least one predicted value attribute")
        }
    }
}
