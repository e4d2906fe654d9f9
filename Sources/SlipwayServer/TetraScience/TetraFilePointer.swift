import Foundation
import SlipwayCore

/// How a data-store object appears to task scripts: a TetraScience file pointer
/// `{"type": "s3file", "bucket": <org>, "fileKey": <path>, "fileId": <id>, "version": <etag>}`.
/// The file id is the path in unpadded base64url, so that an id names its file without a
/// lookup table and stays valid while the path exists.
enum TetraFilePointer {
    static func fileID(path: String) -> String {
        Data(path.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The path an id names, or nil when it is not one of ours.
    static func path(fileID: String) -> String? {
        guard fileID.utf8.count <= 2048 else { return nil }
        var text = fileID.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let path = String(data: data, encoding: .utf8),
              fileID == Self.fileID(path: path)
        else { return nil }
        return path
    }

    static func pointer(_ object: DataObject, organization: String) -> JSONValue {
        .object(["type": .string("s3file"), "bucket": .string(organization), "fileKey": .string(object.path),
                 "fileId": .string(fileID(path: object.path)), "version": .string(object.etag)])
    }

    /// What `read_file` and `get_file_info` describe besides the bytes.
    static func description(_ object: DataObject, organization: String) -> JSONValue {
        let attributes = object.attributes
        return .object([
            "fileId": .string(fileID(path: object.path)),
            "file": pointer(object, organization: organization),
            "category": .string(attributes.category ?? "RAW"),
            "size": .number(Double(object.size)),
            "lastModified": .string(ISO8601DateFormatter().string(from: object.lastModified)),
            "metadata": .object(["size": .number(Double(object.size)), "version": .string(object.etag),
                                 "pipelineId": attributes.producedByPipeline.map(JSONValue.string) ?? .null]),
            "customMetadata": .object(attributes.metadata.mapValues(JSONValue.string)),
            "customTags": .array(attributes.tags.map(JSONValue.string)),
            "labels": .array(attributes.labels.map(label)),
        ])
    }

    static func label(_ label: FileLabel) -> JSONValue {
        .object(["id": .string(label.id), "name": .string(label.name), "value": .string(label.value)])
    }
}
