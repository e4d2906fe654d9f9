import Foundation
import SlipwayCore

/// Arthur's model and attribute JSON, read into the core's monitored-model words and written
/// back: `input_type` `TABULAR|IMAGE|NLP|TIME_SERIES`, `output_type` `REGRESSION|MULTICLASS|…`,
/// attribute `value_type` `STRING|INTEGER|FLOAT|BOOLEAN|TIMESTAMP|IMAGE|BOUNDING_BOX|UNSTRUCTURED_TEXT`
/// and `stage` `PIPELINE_INPUT` (or `PREDICT_FUNCTION_INPUT`), `NON_INPUT_DATA`,
/// `PREDICTED_VALUE`, `GROUND_TRUTH`, `GROUND_TRUTH_CLASS`.
enum ArthurModelCodec {
    static let inputKinds: [String: MonitoredModel.InputKind] = [
        "TABULAR": .tabular, "IMAGE": .image, "NLP": .text, "TIME_SERIES": .timeSeries,
    ]
    static let outputKinds: [String: MonitoredModel.OutputKind] = [
        "REGRESSION": .regression, "MULTICLASS": .multiclass, "MULTILABEL": .multilabel,
        "OBJECT_DETECTION": .objectDetection, "TOKEN_SEQUENCE": .tokenSequence, "RANKED_LIST": .rankedList,
    ]
    static let valueTypes: [String: MonitoredAttribute.ValueType] = [
        "STRING": .string, "INTEGER": .integer, "FLOAT": .float, "BOOLEAN": .boolean, "TIMESTAMP": .timestamp,
        "IMAGE": .image, "BOUNDING_BOX": .boundingBox, "UNSTRUCTURED_TEXT": .unstructuredText,
    ]
    static let stages: [String: MonitoredAttribute.Stage] = [
        "PIPELINE_INPUT": .modelInput, "PREDICT_FUNCTION_INPUT": .modelInput, "NON_INPUT_DATA": .nonInputData,
        "PREDICTED_VALUE": .predictedValue, "GROUND_TRUTH": .groundTruth, "GROUND_TRUTH_CLASS": .groundTruthClass,
    ]

    static func name<T: Equatable>(of value: T, in table: [String: T], preferring preferred: String? = nil) -> String {
        if let preferred, table[preferred] == value { return preferred }
        return table.filter { $0.value == value }.map(\.key).sorted().first ?? ""
    }

    /// A `POST /models` body as a draft; unknown fields are ignored, wrong ones are 400s naming them.
    static func draft(_ body: [String: JSONValue]) throws -> MonitoredModelDraft {
        let fields = ArthurFields(body, what: "model")
        let attributes = try (fields.array("attributes") ?? []).enumerated().map { index, item in
            try attribute(item, index: index)
        }
        return MonitoredModelDraft(
            partnerModelID: try fields.requiredString("partner_model_id"), displayName: try fields.string("display_name"),
            description: try fields.string("description"),
            inputKind: try fields.enumeration("input_type", inputKinds),
            outputKind: try fields.enumeration("output_type", outputKinds),
            isBatch: try fields.bool("is_batch") ?? false,
            attributes: Self.positioned(attributes))
    }

    /// Attributes without a position get the next free one of their stage, in the order sent.
    static func positioned(_ attributes: [(MonitoredAttribute, Bool)]) -> [MonitoredAttribute] {
        var next: [MonitoredAttribute.Stage: Int] = [:]
        for (attribute, given) in attributes where given {
            next[attribute.stage] = max(next[attribute.stage] ?? 0, attribute.position + 1)
        }
        return attributes.map { attribute, given in
            guard !given else { return attribute }
            var placed = attribute
            placed.position = next[attribute.stage] ?? 0
            next[attribute.stage] = placed.position + 1
            return placed
        }
    }

    static func attribute(_ item: JSONValue, index: Int) throws -> (MonitoredAttribute, Bool) {
        guard let object = item.objectValue else { throw SlipwayError.badRequest("'attributes[\(index)]' must be an object") }
        let fields = ArthurFields(object, what: "attributes[\(index)]")
        let position = try fields.int("position")
        var categories: [String] = []
        for (offset, category) in (try fields.array("categories") ?? []).enumerated() {
            switch category {
            case .string(let text): categories.append(text)
            case .number(let number): categories.append(number.rounded() == number ? String(Int64(number)) : String(number))
            case .object(let inner):
                guard let value = inner["value"] else {
                    throw SlipwayError.badRequest("'attributes[\(index)].categories[\(offset)]' needs a 'value'")
                }
                categories.append(value.stringValue ?? value.jsonString())
            default:
                throw SlipwayError.badRequest("'attributes[\(index)].categories[\(offset)]' must be an object with a 'value'")
            }
        }
        let stage = try fields.enumeration("stage", stages)
        let attribute = MonitoredAttribute(
            name: try fields.requiredString("name"), valueType: try fields.enumeration("value_type", valueTypes), stage: stage,
            position: position ?? 0, isCategorical: try fields.bool("categorical") ?? false, categories: categories,
            linkedAttribute: try fields.string("attribute_link"), isUnique: try fields.bool("is_unique") ?? false)
        return (attribute, position != nil)
    }

    static func present(_ model: MonitoredModel, withAttributes: Bool = true) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(model.id), "partner_model_id": .string(model.partnerModelID),
            "display_name": .string(model.displayName), "description": model.description.json,
            "input_type": .string(name(of: model.inputKind, in: inputKinds)),
            "output_type": .string(name(of: model.outputKind, in: outputKinds)),
            "is_batch": .bool(model.isBatch), "archived": .bool(false),
            "status": .string(model.status == .ready ? "Ready" : "CreationFailed"),
            "created_at": model.createdAt.json, "updated_at": model.updatedAt.json, "created_by": .string(model.createdBy),
            "tags": .array([]), "model_group_id": .string(model.id), "version_sequence_num": .number(1),
        ]
        if withAttributes { object["attributes"] = .array(model.attributes.map { present($0, of: model) }) }
        return .object(object)
    }

    static func present(_ attribute: MonitoredAttribute, of model: MonitoredModel) -> JSONValue {
        .object([
            "id": .string(model.id + ":" + attribute.name), "name": .string(attribute.name),
            "value_type": .string(name(of: attribute.valueType, in: valueTypes)),
            "stage": .string(name(of: attribute.stage, in: stages, preferring: "PIPELINE_INPUT")),
            "position": .number(Double(attribute.position)), "categorical": .bool(attribute.isCategorical),
            "categories": attribute.isCategorical ? .array(attribute.categories.map { .object(["value": .string($0)]) }) : .null,
            "attribute_link": attribute.linkedAttribute.json, "is_unique": .bool(attribute.isUnique),
            "monitor_for_bias": .bool(false), "is_positive_predicted_attribute": .bool(false), "implicit": .bool(false),
        ])
    }
}
