import Foundation
import SlipwayCore

/// The assay configuration object of `assays/create`, `run_interactive_baseline` and
/// `run_interactive` (protocol reference §11.1), read into a core `Assay`. The client's
/// `baseline`, `window` and `summarizer` are kept as sent, so that `assays/list` echoes them
/// with their original offsets.
struct WallarooAssayConfig {
    var id: Int?
    var name: String
    var pipelineNumber: Int
    var active: Bool
    var feature: InferenceFeature
    var iopath: String
    var baseline: AssayBaseline
    var window: AssayWindowSpec
    var summarizer: DriftSummarizer
    var warningThreshold: Double?
    var alertThreshold: Double
    var runUntil: Date?
    var document: JSONValue

    init(_ body: JSONValue) throws {
        guard case .object(let fields) = body else { throw SlipwayError.badRequest("the request body must be a JSON object") }
        id = try Self.optionalInt(fields["id"], "id")
        name = try Self.string(fields["name"], "name")
        pipelineNumber = try Self.int(fields["pipeline_id"], "pipeline_id")
        active = try Self.optionalBool(fields["active"], "active") ?? true
        iopath = try Self.string(fields["iopath"], "iopath")
        feature = try Self.feature(iopath)
        window = try Self.window(fields["window"])
        baseline = try Self.baseline(fields["baseline"])
        summarizer = try Self.summarizer(fields["summarizer"])
        warningThreshold = try Self.optionalNumber(fields["warning_threshold"], "warning_threshold")
        guard let alert = try Self.optionalNumber(fields["alert_threshold"], "alert_threshold") else {
            throw SlipwayError.badRequest("'alert_threshold' is required")
        }
        alertThreshold = alert
        runUntil = try Self.optionalTime(fields["run_until"], "run_until")
        var kept: [String: JSONValue] = [:]
        for key in ["baseline", "window", "summarizer"] { kept[key] = fields[key] }
        document = .object(kept)
    }

    /// `"<input|output> <field> <index>"`, e.g. `output dense_2 0` (the index defaults to 0).
    static func feature(_ text: String) throws -> InferenceFeature {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard (2...3).contains(parts.count), let side = ["input": InferenceFeature.Side.input, "output": .output][parts[0]] else {
            throw SlipwayError.badRequest("'iopath' must be \"input <field> <index>\" or \"output <field> <index>\", "
                + "e.g. \"output dense_2 0\"")
        }
        let element = parts.count == 3 ? Int(parts[2]) : 0
        guard let element, element >= 0 else { throw SlipwayError.badRequest("the index in 'iopath' must be an integer ≥ 0") }
        let feature = InferenceFeature(side: side, name: parts[1], element: element)
        try feature.validate()
        return feature
    }

    static func window(_ value: JSONValue?) throws -> AssayWindowSpec {
        guard case .object(let fields)? = value else { throw SlipwayError.badRequest("'window' must be an object") }
        let width = try duration(fields["width"], "window.width")
        let interval = fields["interval"] == nil || fields["interval"] == .null ? nil
            : try duration(fields["interval"], "window.interval")
        return AssayWindowSpec(width: width, start: try optionalTime(fields["start"], "window.start"), interval: interval,
                               modelName: try optionalString(fields["model"], "window.model"))
    }

    static func baseline(_ value: JSONValue?) throws -> AssayBaseline {
        guard case .object(let kinds)? = value, kinds.count == 1, let (kind, body) = kinds.first else {
            throw SlipwayError.badRequest("'baseline' must be an object with one key: \"Fixed\" or \"Static\"")
        }
        guard case .object(let fields) = body else { throw SlipwayError.badRequest("'baseline.\(kind)' must be an object") }
        switch kind {
        case "Fixed":
            guard let start = try optionalTime(fields["start_at"], "baseline.Fixed.start_at"),
                  let end = try optionalTime(fields["end_at"], "baseline.Fixed.end_at") else {
                throw SlipwayError.badRequest("'baseline.Fixed' needs 'start_at' and 'end_at'")
            }
            return .fixed(modelName: try optionalString(fields["model"], "baseline.Fixed.model"), start: start, end: end)
        case "Static":
            guard case .array(let items)? = fields["values"] else {
                throw SlipwayError.badRequest("'baseline.Static.values' must be an array of numbers")
            }
            return .values(try items.enumerated().map { index, item in
                guard case .number(let number) = item else {
                    throw SlipwayError.badRequest("'baseline.Static.values[\(index)]' must be a number")
                }
                return number
            })
        default:
            throw SlipwayError.badRequest("baseline kind '\(NameRules.printable(kind))' is not supported: use \"Fixed\" or \"Static\"")
        }
    }

    static func summarizer(_ value: JSONValue?) throws -> DriftSummarizer {
        guard case .object(let fields)? = value else { throw SlipwayError.badRequest("'summarizer' must be an object") }
        if let type = try optionalString(fields["type"], "summarizer.type"), type != "UnivariateContinuous" {
            throw SlipwayError.badRequest("summarizer type '\(NameRules.printable(type))' is not supported: use \"UnivariateContinuous\"")
        }
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ fallback: T) throws -> T where T.RawValue == String {
            guard let text = try optionalString(fields[key], "summarizer.\(key)") else { return fallback }
            guard let value = T(rawValue: text) else {
                throw SlipwayError.badRequest("'summarizer.\(key)' must be one of "
                    + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
            }
            return value
        }
        let summarizer = DriftSummarizer(
            binMode: try choice("bin_mode", DriftBinMode.quantile), aggregation: try choice("aggregation", DriftAggregation.density),
            metric: try choice("metric", DriftMetric.psi), numBins: try optionalInt(fields["num_bins"], "summarizer.num_bins") ?? 5,
            binWeights: try optionalNumbers(fields["bin_weights"], "summarizer.bin_weights"),
            providedEdges: try optionalNumbers(fields["provided_edges"], "summarizer.provided_edges"),
            addOutlierEdges: try optionalBool(fields["add_outlier_edges"], "summarizer.add_outlier_edges") ?? true)
        try summarizer.validate()
        return summarizer
    }

    /// `"24 hours"`, `"1 day"`, `"30 minutes"`, `"2 weeks"`, `"90 seconds"` (also `"24h"`, `"1d"`), or a number of seconds.
    static func duration(_ value: JSONValue?, _ field: String) throws -> TimeInterval {
        if case .number(let seconds)? = value, seconds.isFinite, seconds > 0 { return seconds }
        guard case .string(let text)? = value else {
            throw SlipwayError.badRequest("'\(field)' must be a duration such as \"24 hours\"")
        }
        let units: [(String, TimeInterval)] = [("weeks", 604_800), ("week", 604_800), ("w", 604_800), ("days", 86_400),
            ("day", 86_400), ("d", 86_400), ("hours", 3600), ("hour", 3600), ("h", 3600), ("minutes", 60), ("minute", 60),
            ("min", 60), ("m", 60), ("seconds", 1), ("second", 1), ("secs", 1), ("sec", 1), ("s", 1)]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let amount = Double(digits), amount > 0, amount.isFinite, let scale = units.first(where: { $0.0 == unit })?.1 else {
            throw SlipwayError.badRequest("'\(field)' must be a duration such as \"24 hours\" (units: seconds, minutes, hours, days, weeks)")
        }
        return amount * scale
    }

    static func string(_ value: JSONValue?, _ field: String) throws -> String {
        guard let text = try optionalString(value, field) else { throw SlipwayError.badRequest("'\(field)' is required") }
        return text
    }

    static func optionalString(_ value: JSONValue?, _ field: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw SlipwayError.badRequest("'\(field)' must be a string")
        }
    }

    static func int(_ value: JSONValue?, _ field: String) throws -> Int {
        guard let number = try optionalInt(value, field) else { throw SlipwayError.badRequest("'\(field)' is required") }
        return number
    }

    static func optionalInt(_ value: JSONValue?, _ field: String) throws -> Int? {
        switch value {
        case nil, .null?: return nil
        case .number(let number)? where number.rounded() == number && abs(number) < 1e15: return Int(number)
        default: throw SlipwayError.badRequest("'\(field)' must be an integer")
        }
    }

    static func optionalNumber(_ value: JSONValue?, _ field: String) throws -> Double? {
        switch value {
        case nil, .null?: return nil
        case .number(let number)?: return number
        default: throw SlipwayError.badRequest("'\(field)' must be a number")
        }
    }

    static func optionalBool(_ value: JSONValue?, _ field: String) throws -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw SlipwayError.badRequest("'\(field)' must be a boolean")
        }
    }

    static func optionalNumbers(_ value: JSONValue?, _ field: String) throws -> [Double]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { item in
                guard case .number(let number) = item else { throw SlipwayError.badRequest("'\(field)' must be an array of numbers") }
                return number
            }
        default: throw SlipwayError.badRequest("'\(field)' must be an array of numbers")
        }
    }

    static func optionalTime(_ value: JSONValue?, _ field: String) throws -> Date? {
        guard let text = try optionalString(value, field) else { return nil }
        return try WallarooDialect.time(text, field: field)
    }
}
