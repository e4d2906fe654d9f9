import Foundation
import SlipwayCore

/// A task script's `config.json`, checked against ts-sdk 2.8.0's `config.schema.json` plus the
/// `runtime` key TetraScience documents: `language` `"python"`; `functions` (at least one) of
/// `{slug, function: "module.function", allowedIds?}`; optional `runtime` (`python3.7` …
/// `python3.11`), `runnerType` (`"ecs"`), `maxCount` (0–50), `memoryInMB` (0–8192); no other
/// keys. Every refusal names the field.
struct TaskScriptConfig: Equatable, Sendable {
    struct Function: Equatable, Sendable {
        var slug: String
        /// The module path (`main`, `pkg.sub`) and the function's name in it.
        var module: String
        var name: String
        /// The IDS the function may write: nil = no restriction; [] = none (`null` in the file).
        var allowedIDs: [JSONValue]?
    }

    var functions: [Function]
    /// Python `major.minor` the file asks for; nil when it names none.
    var pythonVersion: String?
    var maxCount: Int?
    var memoryInMB: Int?
    /// The file as uploaded (validated).
    var document: JSONValue

    static let supportedRuntimes = ["python3.7", "python3.8", "python3.9", "python3.10", "python3.11"]

    func function(slug: String) -> Function? {
        functions.first { $0.slug == slug }
    }

    static func parse(_ text: String) throws(SlipwayError) -> TaskScriptConfig {
        guard let document = try? JSONValue.parse(text) else { throw .badRequest("config.json is not valid JSON") }
        guard let object = document.objectValue else { throw .badRequest("config.json must be a JSON object") }
        let known: Set<String> = ["language", "functions", "runtime", "runnerType", "maxCount", "memoryInMB"]
        if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest("config.json: '\(NameRules.printable(extra))' is not an allowed key (allowed: \(known.sorted().joined(separator: ", ")))")
        }
        guard let language = object["language"] else { throw .badRequest("config.json: 'language' is required") }
        guard language.stringValue == "python" else { throw .badRequest("config.json: 'language' must be \"python\"") }
        var pythonVersion: String?
        if let runtime = object["runtime"] {
            guard let name = runtime.stringValue, supportedRuntimes.contains(name) else {
                throw .badRequest("config.json: 'runtime' must be one of \(supportedRuntimes.joined(separator: ", "))")
            }
            pythonVersion = String(name.dropFirst("python".count))
        }
        if let runner = object["runnerType"], runner.stringValue != "ecs" {
            throw .badRequest("config.json: 'runnerType' must be \"ecs\"")
        }
        let maxCount = try integer(object["maxCount"], field: "maxCount", range: 0...50)
        let memory = try integer(object["memoryInMB"], field: "memoryInMB", range: 0...8192)
        guard let list = object["functions"] else { throw .badRequest("config.json: 'functions' is required") }
        guard let entries = list.arrayValue, !entries.isEmpty else {
            throw .badRequest("config.json: 'functions' must be a list of at least one function")
        }
        var functions: [Function] = []
        for (index, entry) in entries.enumerated() {
            let field = "functions[\(index)]"
            guard let function = entry.objectValue else { throw .badRequest("config.json: '\(field)' must be an object") }
            if let extra = function.keys.sorted().first(where: { !["slug", "function", "allowedIds"].contains($0) }) {
                throw .badRequest("config.json: '\(field).\(NameRules.printable(extra))' is not an allowed key (allowed: allowedIds, function, slug)")
            }
            guard let slug = function["slug"]?.stringValue, !slug.isEmpty, slug.count <= 128,
                  slug.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw .badRequest("config.json: '\(field).slug' must be 1-128 letters, digits, '-', '_' or '.'")
            }
            guard !functions.contains(where: { $0.slug == slug }) else {
                throw .badRequest("config.json: '\(field).slug' '\(slug)' names two functions")
            }
            guard let path = function["function"]?.stringValue, let (module, name) = modulePath(path) else {
                throw .badRequest("config.json: '\(field).function' must be 'module.function' (a Python module of the script and a function in it)")
            }
            functions.append(Function(slug: slug, module: module, name: name,
                                      allowedIDs: try allowedIDs(function["allowedIds"], field: "\(field).allowedIds")))
        }
        return TaskScriptConfig(functions: functions, pythonVersion: pythonVersion, maxCount: maxCount, memoryInMB: memory, document: document)
    }

    private static func integer(_ value: JSONValue?, field: String, range: ClosedRange<Int>) throws(SlipwayError) -> Int? {
        guard let value else { return nil }
        guard case .number(let number) = value, number == number.rounded(), number >= Double(range.lowerBound),
              number <= Double(range.upperBound) else {
            throw .badRequest("config.json: '\(field)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(number)
    }

    /// `pkg.module.function` → (`pkg.module`, `function`), each part a Python identifier.
    static func modulePath(_ path: String) -> (String, String)? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ part in
            guard let first = part.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
            return part.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        }) else { return nil }
        return (parts.dropLast().joined(separator: "."), String(parts.last!))
    }

    private static func allowedIDs(_ value: JSONValue?, field: String) throws(SlipwayError) -> [JSONValue]? {
        guard let value else { return nil }
        let entries: [JSONValue]
        switch value {
        case .null: return []
        case .object: entries = [value]
        case .array(let list): entries = list
        default: throw .badRequest("config.json: '\(field)' must be an {namespace, slug, version} object, a list of them, or null")
        }
        for (index, entry) in entries.enumerated() {
            guard let object = entry.objectValue, Set(object.keys) == ["namespace", "slug", "version"],
                  object.values.allSatisfy({ $0.stringValue != nil }) else {
                throw .badRequest("config.json: '\(field)' entry \(index) must be exactly {namespace, slug, version} strings")
            }
        }
        return entries
    }

    /// What the stored package keeps of the file.
    var manifest: JSONValue {
        .object([
            "config": document,
            "functions": .object(Dictionary(uniqueKeysWithValues: functions.map { ($0.slug, .string("\($0.module).\($0.name)")) })),
        ])
    }
}
