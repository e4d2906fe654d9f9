import Foundation

/// The named, typed fields a model takes or returns, one value (or tensor) per field per row.
public struct ModelSchema: Sendable, Equatable, Codable {
    public enum FieldType: String, Sendable, Codable, CaseIterable {
        case bool, int32, int64, float32, float64, string, bytes
    }

    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var type: FieldType
        /// Nil: one value per row. Otherwise the dimensions of the tensor each row holds, each
        /// positive, or ``ModelSchema/variableDimension`` where the length varies.
        public var shape: [Int]?

        public init(name: String, type: FieldType, shape: [Int]? = nil) {
            self.name = name
            self.type = type
            self.shape = shape
        }
    }

    /// Marks a dimension of varying length.
    public static let variableDimension = -1
    public static let maximumFields = 4096
    public static let maximumDimensions = 16

    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    public func field(named name: String) -> Field? {
        fields.first { $0.name == name }
    }

    /// Field names are 1–255 bytes without control characters and unique; at most
    /// ``maximumFields`` fields; a shape has 1 to ``maximumDimensions`` dimensions, each
    /// positive or ``variableDimension``.
    public func validate() throws(SlipwayError) {
        guard fields.count <= Self.maximumFields else {
            throw .badRequest("a model schema has at most \(Self.maximumFields) fields")
        }
        var seen = Set<String>()
        for field in fields {
            let shown = NameRules.printable(field.name)
            guard NameRules.isPrintableLabel(field.name, maximumBytes: 255) else {
                throw .badRequest("schema field name '\(shown)' must be 1 to 255 characters without control characters")
            }
            guard seen.insert(field.name).inserted else {
                throw .badRequest("schema field '\(shown)' is declared twice", details: .object(["field": .string(field.name)]))
            }
            if let shape = field.shape {
                guard (1...Self.maximumDimensions).contains(shape.count) else {
                    throw .badRequest("shape of schema field '\(shown)' must have 1 to \(Self.maximumDimensions) dimensions")
                }
                guard shape.allSatisfy({ $0 > 0 || $0 == Self.variableDimension }) else {
                    throw .badRequest("shape of schema field '\(shown)' has a dimension that is neither positive nor variable (-1)",
                                      details: .object(["field": .string(field.name), "shape": .array(shape.map { .number(Double($0)) })]))
                }
            }
        }
    }
}
