import Foundation
import SlipwayCore

/// A pipeline's `triggerCondition` in TetraScience's shape, to and from the core's
/// ``FileCondition``: `{"groupOperator": "AND"|"OR", "groups": [<condition or group>…]}` where a
/// condition is `{"key", "operator", "value"}`:
///
/// - `filePath` with `glob` (the whole path matches) or `equals`/`is`;
/// - `fileCategory` with `equals`/`is` (e.g. `RAW`, `PROCESSED`);
/// - `label:<name>` with `equals`/`is` (a label of that name and value) or `exists`;
/// - `metadata:<key>` with `equals`/`is`.
enum TetraTriggerCondition {
    static func parse(_ value: JSONValue, field: String = "triggerCondition") throws(SlipwayError) -> FileCondition {
        guard let object = value.objectValue else { throw .badRequest("'\(field)' must be an object") }
        if let groups = object["groups"] {
            guard let list = groups.arrayValue, !list.isEmpty else { throw .badRequest("'\(field).groups' must be a non-empty list") }
            let conditions = try list.enumerated().map { (index, item) throws(SlipwayError) in
                try parse(item, field: "\(field).groups[\(index)]")
            }
            switch object["groupOperator"]?.stringValue?.uppercased() ?? "AND" {
            case "AND": return .all(conditions)
            case "OR": return .any(conditions)
            default: throw .badRequest("'\(field).groupOperator' must be \"AND\" or \"OR\"")
            }
        }
        guard let key = object["key"]?.stringValue, !key.isEmpty else {
            throw .badRequest("'\(field)' needs a 'key' (filePath, fileCategory, label:<name>, metadata:<key>) or 'groups'")
        }
        let operation = (object["operator"]?.stringValue ?? "equals").lowercased()
        let text = object["value"]?.stringValue
        func requiredValue() throws(SlipwayError) -> String {
            guard let text else { throw .badRequest("'\(field).value' must be a string") }
            return text
        }
        let equality = ["equals", "is", "=="]
        switch key {
        case "filePath":
            switch operation {
            case "glob":
                do { return .path(try GlobPattern(try requiredValue())) } catch {
                    throw .badRequest("'\(field).value' is not a valid glob: \(error.message)")
                }
            case _ where equality.contains(operation):
                let escaped = String(try requiredValue().flatMap { "*?\\".contains($0) ? ["\\", $0] : [$0] })
                do { return .path(try GlobPattern(escaped)) } catch {
                    throw .badRequest("'\(field).value' is not a valid path: \(error.message)")
                }
            default: throw .badRequest("'\(field).operator' for filePath must be \"glob\" or \"equals\"")
            }
        case "fileCategory":
            guard equality.contains(operation) else { throw .badRequest("'\(field).operator' for fileCategory must be \"equals\"") }
            return .category(try requiredValue())
        default:
            if key.hasPrefix("label:"), key.count > 6 {
                let name = String(key.dropFirst(6))
                if operation == "exists" { return .label(name: name, value: nil) }
                guard equality.contains(operation) else { throw .badRequest("'\(field).operator' for a label must be \"equals\" or \"exists\"") }
                return .label(name: name, value: try requiredValue())
            }
            if key.hasPrefix("metadata:"), key.count > 9 {
                guard equality.contains(operation) else { throw .badRequest("'\(field).operator' for metadata must be \"equals\"") }
                return .metadata(key: String(key.dropFirst(9)), value: try requiredValue())
            }
            throw .badRequest("'\(field).key' '\(NameRules.printable(key))' is not known (filePath, fileCategory, label:<name>, metadata:<key>)")
        }
    }

    static func present(_ condition: FileCondition) -> JSONValue {
        switch condition {
        case .all(let conditions): return .object(["groupOperator": .string("AND"), "groups": .array(conditions.map(present))])
        case .any(let conditions): return .object(["groupOperator": .string("OR"), "groups": .array(conditions.map(present))])
        case .path(let glob): return .object(["key": .string("filePath"), "operator": .string("glob"), "value": .string(glob.pattern)])
        case .category(let category): return .object(["key": .string("fileCategory"), "operator": .string("equals"), "value": .string(category)])
        case .label(let name, let value?): return .object(["key": .string("label:" + name), "operator": .string("equals"), "value": .string(value)])
        case .label(let name, nil): return .object(["key": .string("label:" + name), "operator": .string("exists")])
        case .metadata(let key, let value): return .object(["key": .string("metadata:" + key), "operator": .string("equals"), "value": .string(value)])
        }
    }
}
