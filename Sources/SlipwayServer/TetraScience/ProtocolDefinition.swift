import Foundation
import SlipwayCore
import Yams

/// A `protocol.yml` (`protocolSchema: "v3"`), checked against ts-sdk 2.8.0's
/// `protocol.v3.schema.json` and further: step ids unique; every `$( … )` expression parses and
/// reads a declared context — `workflow.<key>`, `config.<declared item>`,
/// `constants.<declared constant>` or `steps.<id of an earlier step>`. Whether each step's task
/// script and function exist is checked by the upload, which can see the stored scripts.
/// Every refusal names the field.
struct ProtocolDefinition: Equatable, Sendable {
    struct ConfigItem: Equatable, Sendable {
        enum Kind: String, Sendable, CaseIterable {
            case object, string, boolean, number, secret
        }

        var name: String
        var label: String
        var kind: Kind
        var required: Bool
        var defaultValue: JSONValue?
    }

    /// A step's `if` or `continueOnError`.
    enum Condition: Equatable, Sendable {
        case fixed(Bool)
        case template(ProtocolTemplate)
    }

    struct Step: Equatable, Sendable {
        var id: String
        var namespace: String
        var slug: String
        var version: String
        /// The slug of the function in the task script's `config.json`.
        var function: String
        var input: JSONValue
        var condition: Condition
        var continueOnError: Condition
        var memoryInMB: Int?
        var timeoutSeconds: Int?

        var taskScriptAddress: String { "\(namespace)/\(slug)/\(version)" }
    }

    var name: String?
    var description: String?
    var constants: [String: JSONValue]
    var config: [ConfigItem]
    var steps: [Step]
    /// The file as JSON (validated).
    var document: JSONValue

    /// What `workflow.<key>` may read.
    static let workflowKeys = ["id", "inputFile", "inputFileName", "pipelineId", "pipelineName", "protocolNamespace",
                               "protocolSlug", "protocolVersion", "startedAt"]

    static let maxSteps = 100

    static func parse(yaml text: String) throws(SlipwayError) -> ProtocolDefinition {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw .badRequest("protocol.yml is not valid YAML: \(Self.describe(error))")
        }
        guard let node else { throw .badRequest("protocol.yml is empty") }
        var budget = 100_000
        let document = try json(node, budget: &budget)
        return try parse(document)
    }

    static func parse(_ document: JSONValue) throws(SlipwayError) -> ProtocolDefinition {
        guard let object = document.objectValue else { throw .badRequest("protocol.yml must be a mapping") }
        guard let schema = object["protocolSchema"] else { throw .badRequest("protocol.yml: 'protocolSchema' is required (\"v3\")") }
        guard schema.stringValue == "v3" else {
            throw .badRequest("protocol.yml: 'protocolSchema' must be \"v3\"; v2 protocols (protocol.json with a script.js) "
                + "are not supported: rewrite them as a v3 protocol.yml")
        }
        let known: Set<String> = ["protocolSchema", "constants", "config", "steps", "type", "namespace", "slug", "version",
                                  "icon", "name", "description", "catalog_keys", "labels", "successWhen", "onFailed"]
        if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest("protocol.yml: '\(NameRules.printable(extra))' is not an allowed key")
        }
        for key in ["namespace", "slug", "version", "icon", "name", "description"] {
            if let value = object[key], value.stringValue == nil { throw .badRequest("protocol.yml: '\(key)' must be a string") }
        }
        if let type = object["type"], type.stringValue != "protocol" { throw .badRequest("protocol.yml: 'type' must be \"protocol\"") }
        if let keys = object["catalog_keys"], !(keys.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false) {
            throw .badRequest("protocol.yml: 'catalog_keys' must be a list of strings")
        }
        if let labels = object["labels"] {
            guard let list = labels.arrayValue, list.allSatisfy({ label in
                guard let fields = label.objectValue else { return false }
                return fields.values.allSatisfy { $0.stringValue != nil }
            }) else { throw .badRequest("protocol.yml: 'labels' must be a list of {name, value} strings") }
        }
        if let success = object["successWhen"] {
            switch success {
            case .bool: break
            case .string(let text): try template(text, field: "successWhen", declared: .all)
            default: throw .badRequest("protocol.yml: 'successWhen' must be a string or a boolean")
            }
        }
        let constants = try Self.constants(object["constants"])
        let config = try Self.config(object["config"])
        guard let stepList = object["steps"] else { throw .badRequest("protocol.yml: 'steps' is required") }
        guard let entries = stepList.arrayValue else { throw .badRequest("protocol.yml: 'steps' must be a list") }
        guard !entries.isEmpty else { throw .badRequest("protocol.yml: 'steps' must hold at least one step") }
        guard entries.count <= maxSteps else { throw .badRequest("protocol.yml: 'steps' may hold at most \(maxSteps) steps") }
        var steps: [Step] = []
        for (index, entry) in entries.enumerated() {
            let declared = Declared(config: Set(config.map(\.name)), constants: Set(constants.keys), steps: Set(steps.map(\.id)))
            let step = try Self.step(entry, index: index, declared: declared)
            guard !steps.contains(where: { $0.id == step.id }) else {
                throw .badRequest("protocol.yml: 'steps[\(index)].id' '\(step.id)' names two steps")
            }
            steps.append(step)
        }
        return ProtocolDefinition(name: object["name"]?.stringValue, description: object["description"]?.stringValue,
                                  constants: constants, config: config, steps: steps, document: document)
    }

    /// The names expressions may read at one place of the file.
    struct Declared {
        var config: Set<String>
        var constants: Set<String>
        var steps: Set<String>

        /// For protocol-wide expressions (`successWhen`), checked for syntax only.
        static let all = Declared(config: [], constants: [], steps: [])
    }

    static func isKey(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
        return name.count <= 128 && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" }
    }

    private static func constants(_ value: JSONValue?) throws(SlipwayError) -> [String: JSONValue] {
        guard let value else { return [:] }
        guard let object = value.objectValue else { throw .badRequest("protocol.yml: 'constants' must be a mapping") }
        if let bad = object.keys.sorted().first(where: { !isKey($0) }) {
            throw .badRequest("protocol.yml: 'constants.\(NameRules.printable(bad))' is not a valid name (letters, digits, '-', '_'; "
                + "starting with a letter or digit)")
        }
        return object
    }

    private static func config(_ value: JSONValue?) throws(SlipwayError) -> [ConfigItem] {
        guard let value else { return [] }
        guard let object = value.objectValue else { throw .badRequest("protocol.yml: 'config' must be a mapping") }
        var items: [ConfigItem] = []
        for name in object.keys.sorted() {
            let field = "config.\(NameRules.printable(name))"
            guard isKey(name) else {
                throw .badRequest("protocol.yml: '\(field)' is not a valid name (letters, digits, '-', '_'; starting with a letter or digit)")
            }
            guard let item = object[name]?.objectValue else { throw .badRequest("protocol.yml: '\(field)' must be a mapping") }
            if let extra = item.keys.sorted().first(where: { !["label", "type", "description", "required", "default"].contains($0) }) {
                throw .badRequest("protocol.yml: '\(field).\(NameRules.printable(extra))' is not an allowed key "
                    + "(allowed: default, description, label, required, type)")
            }
            guard let label = item["label"]?.stringValue else { throw .badRequest("protocol.yml: '\(field).label' is required (a string)") }
            guard let kind = item["type"]?.stringValue.flatMap(ConfigItem.Kind.init(rawValue:)) else {
                throw .badRequest("protocol.yml: '\(field).type' must be one of "
                    + ConfigItem.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if let description = item["description"], description.stringValue == nil {
                throw .badRequest("protocol.yml: '\(field).description' must be a string")
            }
            var required = false
            if let flag = item["required"] {
                guard case .bool(let value) = flag else { throw .badRequest("protocol.yml: '\(field).required' must be true or false") }
                required = value
            }
            if kind == .secret, item["default"] != nil {
                throw .badRequest("protocol.yml: '\(field).default' is not allowed: a secret's value comes from the pipeline")
            }
            items.append(ConfigItem(name: name, label: label, kind: kind, required: required, defaultValue: item["default"]))
        }
        return items
    }

    private static func step(_ value: JSONValue, index: Int, declared: Declared) throws(SlipwayError) -> Step {
        let field = "steps[\(index)]"
        guard let object = value.objectValue else { throw .badRequest("protocol.yml: '\(field)' must be a mapping") }
        let known = ["if", "continueOnError", "id", "description", "task", "input", "options"]
        if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest("protocol.yml: '\(field).\(NameRules.printable(extra))' is not an allowed key (allowed: \(known.sorted().joined(separator: ", ")))")
        }
        let id: String
        if let given = object["id"] {
            guard let text = given.stringValue, isKey(text) else {
                throw .badRequest("protocol.yml: '\(field).id' must be letters, digits, '-' and '_', starting with a letter or digit")
            }
            id = text
        } else {
            id = "step-\(index + 1)"
        }
        if let description = object["description"], description.stringValue == nil {
            throw .badRequest("protocol.yml: '\(field).description' must be a string")
        }
        guard let task = object["task"]?.objectValue else {
            throw .badRequest("protocol.yml: '\(field).task' is required: {namespace, slug, version, function}")
        }
        if let extra = task.keys.sorted().first(where: { !["namespace", "slug", "version", "function"].contains($0) }) {
            throw .badRequest("protocol.yml: '\(field).task.\(NameRules.printable(extra))' is not an allowed key (allowed: function, namespace, slug, version)")
        }
        var parts: [String: String] = [:]
        for key in ["namespace", "slug", "version", "function"] {
            guard let text = task[key]?.stringValue, !text.isEmpty else {
                throw .badRequest("protocol.yml: '\(field).task.\(key)' is required (a string)")
            }
            parts[key] = text
        }
        let input = object["input"] ?? .object([:])
        try checkExpressions(in: input, field: "\(field).input", declared: declared)
        var memory: Int?
        var timeout: Int?
        if let options = object["options"] {
            guard let fields = options.objectValue else { throw .badRequest("protocol.yml: '\(field).options' must be a mapping") }
            if let extra = fields.keys.sorted().first(where: { !["memoryInMB", "timeontInSec"].contains($0) }) {
                throw .badRequest("protocol.yml: '\(field).options.\(NameRules.printable(extra))' is not an allowed key (allowed: memoryInMB, timeontInSec)")
            }
            memory = try positiveInteger(fields["memoryInMB"], field: "\(field).options.memoryInMB")
            timeout = try positiveInteger(fields["timeontInSec"], field: "\(field).options.timeontInSec")
        }
        return Step(id: id, namespace: parts["namespace"]!, slug: parts["slug"]!, version: parts["version"]!, function: parts["function"]!,
                    input: input, condition: try condition(object["if"], field: "\(field).if", declared: declared, absent: true),
                    continueOnError: try condition(object["continueOnError"], field: "\(field).continueOnError", declared: declared, absent: false),
                    memoryInMB: memory, timeoutSeconds: timeout)
    }

    private static func positiveInteger(_ value: JSONValue?, field: String) throws(SlipwayError) -> Int? {
        guard let value else { return nil }
        let number: Double?
        switch value {
        case .number(let given): number = given
        case .string(let text): number = Double(text.trimmingCharacters(in: .whitespaces))
        default: number = nil
        }
        guard let number, number == number.rounded(), number > 0, number <= 1_000_000 else {
            throw .badRequest("protocol.yml: '\(field)' must be a whole number above 0 (a number or a string)")
        }
        return Int(number)
    }

    private static func condition(_ value: JSONValue?, field: String, declared: Declared, absent: Bool) throws(SlipwayError) -> Condition {
        switch value {
        case nil: return .fixed(absent)
        case .bool(let flag): return .fixed(flag)
        case .string(let text):
            let parsed = try template(text, field: field, declared: declared)
            if case .literal(let literal) = parsed {
                switch literal.trimmingCharacters(in: .whitespaces).lowercased() {
                case "true": return .fixed(true)
                case "false", "": return .fixed(false)
                default: break
                }
            }
            return .template(parsed)
        default:
            throw .badRequest("protocol.yml: '\(field)' must be a boolean or a string")
        }
    }

    /// Checks every string below `value` (keys included) as a template.
    private static func checkExpressions(in value: JSONValue, field: String, declared: Declared) throws(SlipwayError) {
        switch value {
        case .string(let text): try template(text, field: field, declared: declared)
        case .array(let items):
            for (index, item) in items.enumerated() { try checkExpressions(in: item, field: "\(field)[\(index)]", declared: declared) }
        case .object(let object):
            for key in object.keys.sorted() { try checkExpressions(in: object[key]!, field: "\(field).\(NameRules.printable(key))", declared: declared) }
        default: break
        }
    }

    @discardableResult
    static func template(_ text: String, field: String, declared: Declared) throws(SlipwayError) -> ProtocolTemplate {
        let parsed: ProtocolTemplate
        do {
            parsed = try ProtocolTemplate.parse(text)
        } catch {
            throw .badRequest("protocol.yml: '\(field)': \(error.message) in '\(NameRules.printable(String(text.prefix(200))))'")
        }
        let checkNames = field != "successWhen"
        for expression in parsed.expressions {
            for (root, components) in expression.paths {
                guard checkNames else { continue }
                guard case .key(let name)? = components.first else {
                    throw .badRequest("protocol.yml: '\(field)': '\(root)' must be followed by a name ('\(root).<name>')")
                }
                switch root {
                case "workflow" where !workflowKeys.contains(name):
                    throw .badRequest("protocol.yml: '\(field)': 'workflow.\(NameRules.printable(name))' is not known "
                        + "(known: \(workflowKeys.joined(separator: ", ")))")
                case "config" where !declared.config.contains(name):
                    throw .badRequest("protocol.yml: '\(field)': 'config.\(NameRules.printable(name))' is not declared in 'config'")
                case "constants" where !declared.constants.contains(name):
                    throw .badRequest("protocol.yml: '\(field)': 'constants.\(NameRules.printable(name))' is not declared in 'constants'")
                case "steps" where !declared.steps.contains(name):
                    throw .badRequest("protocol.yml: '\(field)': 'steps.\(NameRules.printable(name))' is not an earlier step")
                default: break
                }
            }
        }
        return parsed
    }

    /// The YAML tree as JSON, with at most `budget` nodes (an alias counts each time it is
    /// used, so alias bombs stop early). Mapping keys must be strings.
    private static func json(_ node: Node, budget: inout Int) throws(SlipwayError) -> JSONValue {
        budget -= 1
        guard budget > 0 else { throw .badRequest("protocol.yml is too large once its aliases are expanded") }
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return Bool.construct(from: scalar).map(JSONValue.bool) ?? .string(scalar.string)
            case .int:
                guard let value = Int.construct(from: scalar) else { return .string(scalar.string) }
                return .number(Double(value))
            case .float:
                guard let value = Double.construct(from: scalar), value.isFinite else { return .string(scalar.string) }
                return .number(value)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { throw .badRequest("protocol.yml: mapping keys must be plain names") }
                guard object[name.string] == nil else {
                    throw .badRequest("protocol.yml: '\(NameRules.printable(name.string))' appears twice in one mapping")
                }
                object[name.string] = try json(value, budget: &budget)
            }
            return .object(object)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try json(item, budget: &budget)) }
            return .array(items)
        case .alias:
            throw .badRequest("protocol.yml: YAML aliases are not supported")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                return "\(problem) at line \(mark.line)"
            case .duplicatedKeysInMapping(let duplicates, _):
                return "'\(NameRules.printable(duplicates.first ?? ""))' appears twice in one mapping"
            default: return "it could not be parsed"
            }
        }
        return "it could not be parsed"
    }

    /// What the stored package keeps of the file.
    var manifest: JSONValue {
        .object([
            "protocol": document,
            "steps": .array(steps.map { .object(["id": .string($0.id), "task": .string($0.taskScriptAddress), "function": .string($0.function)]) }),
        ])
    }
}

private extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self) }
}
