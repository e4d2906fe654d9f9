import Foundation

/// The data types a step input or output can declare.
public enum IODataType: String, Sendable, Codable, CaseIterable {
    case string, number, boolean, json, array, file
}

public struct InputDefinition: Sendable, Equatable, Codable {
    public var name: String
    public var dataType: IODataType
    public var description: String?
    public var isRequired: Bool
    public var defaultValue: JSONValue?

    public init(name: String, dataType: IODataType, description: String? = nil, isRequired: Bool = true,
                defaultValue: JSONValue? = nil) {
        self.name = name
        self.dataType = dataType
        self.description = description
        self.isRequired = isRequired
        self.defaultValue = defaultValue
    }
}

public struct OutputDefinition: Sendable, Equatable, Codable {
    public var name: String
    public var dataType: IODataType
    public var description: String?

    public init(name: String, dataType: IODataType, description: String? = nil) {
        self.name = name
        self.dataType = dataType
        self.description = description
    }
}
