import Foundation
import SlipwayCore

/// Historical inference records in the shape `pipelines/import_logs` and `slipway inference
/// import` take: `{"time": <epoch ms or RFC 3339>, "in": {...}, "out": {...}}` (or flattened
/// `in.<name>` / `out.<name>` keys), as a JSON array, JSON lines, or an Arrow IPC file with those
/// columns (`in` and `out` as struct columns, or flattened).
public enum WallarooLogImport {
    public static func inferences(fromJSONArray value: JSONValue) throws -> [ImportedInference] {
        guard case .array(let rows) = value else { throw SlipwayError.badRequest("'records' must be an array of records") }
        return try rows.enumerated().map { index, row in try inference(row, position: "record \(index + 1)") }
    }

    /// One record per non-empty line.
    public static func inferences(fromJSONLines data: Data) throws -> [ImportedInference] {
        var result: [ImportedInference] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            let value: JSONValue
            do {
                value = try JSONValue.parse(text)
            } catch {
                throw SlipwayError.badRequest("line \(index + 1) is not valid JSON")
            }
            result.append(try inference(value, position: "line \(index + 1)"))
        }
        return result
    }

    public static func inferences(fromArrow data: Data) throws -> [ImportedInference] {
        let rows: [[String: JSONValue]]
        do {
            rows = try ArrowIPC.read(data).records()
        } catch let error as ArrowError {
            throw SlipwayError.badRequest("the Arrow file is invalid: \(error.message)")
        }
        return try rows.enumerated().map { index, row in try inference(.object(row), position: "row \(index + 1)") }
    }

    /// JSON lines, a JSON array, or an Arrow IPC file, told apart by their first bytes.
    public static func inferences(fromFile data: Data) throws -> [ImportedInference] {
        if data.starts(with: Array("ARROW1".utf8)) { return try inferences(fromArrow: data) }
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if first == UInt8(ascii: "[") {
            do {
                return try inferences(fromJSONArray: try JSONValue.parse(String(decoding: data, as: UTF8.self)))
            } catch let error as SlipwayError {
                throw error
            } catch {
                throw SlipwayError.badRequest("the file is not valid JSON")
            }
        }
        return try inferences(fromJSONLines: data)
    }

    static func inference(_ value: JSONValue, position: String) throws -> ImportedInference {
        guard case .object(let fields) = value else { throw SlipwayError.badRequest("\(position) must be a JSON object") }
        let time: Date
        switch fields["time"] {
        case .number(let milliseconds)? where milliseconds.isFinite && abs(milliseconds) < 1e15:
            time = Date(timeIntervalSince1970: milliseconds / 1000)
        case .string(let text)?:
            time = try WallarooDialect.time(text, field: "\(position): time")
        case nil:
            throw SlipwayError.badRequest("\(position) has no 'time' (epoch milliseconds or an RFC 3339 time)")
        default:
            throw SlipwayError.badRequest("\(position): 'time' must be epoch milliseconds or an RFC 3339 time")
        }
        var inputs: [String: FeatureValue] = [:], outputs: [String: FeatureValue] = [:]
        for (key, item) in fields {
            switch key {
            case "time", "metadata", "check_failures": continue
            case "in", "out":
                guard case .object(let features) = item else {
                    throw SlipwayError.badRequest("\(position): '\(key)' must be an object of features")
                }
                for (name, feature) in features {
                    if key == "in" { inputs[name] = FeatureValue(json: feature) } else { outputs[name] = FeatureValue(json: feature) }
                }
            default:
                if key.hasPrefix("in."), key.count > 3 {
                    inputs[String(key.dropFirst(3))] = FeatureValue(json: item)
                } else if key.hasPrefix("out."), key.count > 4 {
                    outputs[String(key.dropFirst(4))] = FeatureValue(json: item)
                } else if !key.hasPrefix("metadata.") {
                    throw SlipwayError.badRequest("\(position): unknown field '\(NameRules.printable(key))' "
                        + "(a record has 'time', 'in' and 'out')")
                }
            }
        }
        guard !inputs.isEmpty || !outputs.isEmpty else {
            throw SlipwayError.badRequest("\(position) has neither inputs ('in') nor outputs ('out')")
        }
        return ImportedInference(time: time, inputs: inputs, outputs: outputs)
    }
}
