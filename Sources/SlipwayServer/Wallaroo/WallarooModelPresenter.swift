import Foundation
import SlipwayCore

/// Models and model versions as the Wallaroo API writes them (protocol reference §5): integer
/// ids are the objects' numbers, `owner_id` is the two-character string `""` as the seed shows.
enum WallarooModelPresenter {
    static let ownerID = JSONValue.string("\"\"")

    static func summary(_ model: Model, number: Int) -> JSONValue {
        .object([
            "id": .number(Double(number)), "name": .string(model.name), "owner_id": ownerID,
            "created_at": .string(WallarooTimestamp.entity(model.createdAt)),
            "updated_at": .string(WallarooTimestamp.entity(model.updatedAt)),
        ])
    }

    static func detail(_ model: Model, number: Int, workspaceNumber: Int) -> JSONValue {
        .object([
            "id": .number(Double(number)), "owner_id": ownerID, "workspace_id": .number(Double(workspaceNumber)),
            "name": .string(model.name), "updated_at": .string(WallarooTimestamp.entity(model.updatedAt)),
            "created_at": .string(WallarooTimestamp.entity(model.createdAt)), "model_config": .null,
        ])
    }

    static func version(_ version: ModelVersion, number: Int, model: Model, modelNumber: Int,
                        withStatus: Bool = true) -> JSONValue {
        var object: [String: JSONValue] = [
            "sha": .string(version.sha256.value), "models_pk_id": .number(Double(modelNumber)),
            "model_version": .string(version.id), "owner_id": ownerID, "model_id": .string(model.name),
            "id": .number(Double(number)), "file_name": .string(version.fileName), "image_path": .null,
        ]
        if withStatus { object["status"] = .string(version.status.rawValue) }
        return .object(object)
    }

    /// `model_config` of a version: none for native ONNX models, the runtime otherwise.
    static func configuration(_ version: ModelVersion, number: Int) -> JSONValue {
        guard version.framework != .onnx else { return .object(["model_config": .null]) }
        let runtime = version.framework == .python ? "python" : "flight"
        return .object(["model_config": .object([
            "id": .number(Double(number)), "runtime": .string(runtime), "framework": .string(version.framework.rawValue),
            "tensor_fields": .null, "filter_threshold": .null,
        ])])
    }

    /// `{"insert_models":{"returning":[{"models":[{"id":N}]}]}}`.
    static func inserted(modelNumber: Int) -> JSONValue {
        .object(["insert_models": .object(["returning": .array([
            .object(["models": .array([.object(["id": .number(Double(modelNumber))])])]),
        ])])])
    }
}
