import Foundation

/// The captured body of one side of an invocation, as Data Capture wrote it, and its rows.
public struct DataCapturePayload: Sendable, Equatable {
    /// One inference's values as the payload holds them.
    public enum Row: Sendable, Equatable {
        /// CSV fields, in column order (typed by the attribute each lands on).
        case fields([String])
        /// A JSON list of values, in attribute order.
        case values([JSONValue])
        /// JSON values by attribute name.
        case named([String: JSONValue])
    }

    public var contentType: String
    public var encoding: String
    public var data: String

    /// Keys that name the list of inferences and, inside one, the list of values; they cannot be
    /// feature names of a name → value map.
    public static let listKeys: Set<String> = ["instances", "predictions"]
    public static let valueKeys: Set<String> = ["features", "probabilities"]

    public init(contentType: String, encoding: String, data: String) {
        self.contentType = contentType
        self.encoding = encoding
        self.data = data
    }

    init(json: JSONValue, field: String) throws(SlipwayError) {
        guard let object = json.objectValue, let data = object["data"]?.stringValue else {
            throw .badRequest("'captureData.\(field)' needs a 'data' string")
        }
        self.init(contentType: object["observedContentType"]?.stringValue ?? "", encoding: object["encoding"]?.stringValue ?? "",
                  data: data)
    }

    /// The inferences the payload holds: CSV lines (`text/csv`), or JSON with the inferences
    /// under `instances` or `predictions`, each a list of values (`{"features": [...]}`,
    /// `{"probabilities": [...]}` or a bare list), a name → value map, or a single value.
    /// Base64-encoded data (what Data Capture writes for content types it was not told are CSV
    /// or JSON) is refused: its format cannot be known.
    public func rows() throws(SlipwayError) -> [Row] {
        let type = contentType.lowercased()
        if encoding.uppercased() == "BASE64" {
            throw .badRequest("base64-encoded capture data ('\(NameRules.printable(contentType))') is not supported: "
                + "list the content type in the capture's CsvContentTypes or JsonContentTypes")
        }
        if type.hasPrefix("text/csv") || (type.isEmpty && encoding.uppercased() == "CSV") {
            return try CSVLines.rows(data).map(Row.fields)
        }
        if type.contains("json") || (type.isEmpty && encoding.uppercased() == "JSON") {
            guard let json = try? JSONValue.parse(data) else { throw .badRequest("the captured JSON data is not valid JSON") }
            return try Self.rows(json)
        }
        throw .badRequest("captured content type '\(NameRules.printable(contentType))' is not supported (text/csv or application/json)")
    }

    static func rows(_ json: JSONValue) throws(SlipwayError) -> [Row] {
        let items: [JSONValue]
        switch json {
        case .object(let object):
            let keys = Set(object.keys).intersection(listKeys)
            guard keys.count == 1, let key = keys.first, let list = object[key]?.arrayValue else {
                throw .badRequest("captured JSON must hold its inferences in an 'instances' or 'predictions' list")
            }
            items = list
        case .array(let list):
            items = list
        case .number, .bool, .string:
            return [.values([json])]
        case .null:
            throw .badRequest("captured JSON data is null")
        }
        var rows: [Row] = []
        rows.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .array(let values):
                rows.append(.values(values))
            case .object(let object):
                let keys = Set(object.keys).intersection(valueKeys)
                if keys.count == 1, let key = keys.first, object.count == 1 {
                    guard let values = object[key]?.arrayValue else { throw .badRequest("'\(key)' must be a list of values") }
                    rows.append(.values(values))
                } else {
                    if let reserved = object.keys.sorted().first(where: { listKeys.contains($0) || valueKeys.contains($0) }) {
                        throw .badRequest("'\(reserved)' cannot be a feature name in captured JSON")
                    }
                    rows.append(.named(object))
                }
            case .null:
                throw .badRequest("an inference in captured JSON is null")
            default:
                rows.append(.values([item]))
            }
        }
        return rows
    }
}
