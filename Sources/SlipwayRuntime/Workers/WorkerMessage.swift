import Foundation
import SlipwayCore

/// A message from a worker on its protocol channel (one JSON object per line).
enum WorkerMessage: Equatable {
    case ready(pid: Int?)
    case loadError(type: String, message: String, traceback: String?)
    case log(executionID: String?, stream: LogLine.Stream, timestamp: Date, message: String)
    case result(executionID: String, outputs: [String: JSONValue])
    case error(executionID: String, type: String, message: String, traceback: String?)
    case protocolError(String)

    init(line: String) throws {
        try self.init(json: JSONValue.parse(line))
    }

    init(bytes: UnsafeBufferPointer<UInt8>) throws {
        try self.init(json: JSONTextParser.parse(bytes))
    }

    init(json: JSONValue) throws {
        guard let type = json["type"]?.stringValue else { throw SlipwayError.internal("worker message without a type") }
        let executionID = json["execution_id"]?.stringValue
        switch type {
        case "ready":
            if case .number(let pid) = json["pid"] ?? .null { self = .ready(pid: Int(pid)) } else { self = .ready(pid: nil) }
        case "load_error":
            let error = json["error"] ?? .null
            self = .loadError(type: error["type"]?.stringValue ?? "Error", message: error["message"]?.stringValue ?? "",
                              traceback: error["traceback"]?.stringValue)
        case "log":
            var time = Date()
            if case .number(let seconds) = json["ts"] ?? .null { time = Date(timeIntervalSince1970: seconds) }
            self = .log(executionID: executionID, stream: json["stream"]?.stringValue == "stderr" ? .stderr : .stdout,
                        timestamp: time, message: json["message"]?.stringValue ?? "")
        case "result":
            guard let executionID else { throw SlipwayError.internal("result without execution_id") }
            guard let outputs = json["outputs"]?.objectValue else { throw SlipwayError.internal("result without outputs") }
            self = .result(executionID: executionID, outputs: outputs)
        case "error":
            guard let executionID else { throw SlipwayError.internal("error without execution_id") }
            let error = json["error"] ?? .null
            self = .error(executionID: executionID, type: error["type"]?.stringValue ?? "Error",
                          message: error["message"]?.stringValue ?? "", traceback: error["traceback"]?.stringValue)
        case "protocol_error":
            self = .protocolError(json["message"]?.stringValue ?? "")
        default:
            throw SlipwayError.internal("unknown worker message type \(type)")
        }
    }

    /// The first line a standby worker reads: the arguments it runs with, its working directory
    /// and its whole environment (`python -m slipway_worker --standby`).
    static func startLine(arguments: [String], directory: String, environment: [String: String]) -> [UInt8] {
        var writer = JSONTextWriter(reservingCapacity: 512)
        writer.write(.object(["type": .string("start"), "argv": .array(arguments.map { .string($0) }),
                              "cwd": .string(directory), "env": .object(environment.mapValues { .string($0) })]))
        return writer.bytes + [0x0A]
    }

    /// The request line asking a worker to run one execution.
    static func executeRequest(executionID: String, inputs: [String: JSONValue],
                               files: FileOutputRequest? = nil) -> [UInt8] {
        var writer = JSONTextWriter(reservingCapacity: 128)
        var request: [String: JSONValue] = ["type": .string("execute"), "execution_id": .string(executionID),
                                            "inputs": .object(inputs)]
        if let files, !files.names.isEmpty {
            request["files"] = .object(["dir": .string(files.directory.path),
                                        "outputs": .array(files.names.map { .string($0) })])
        }
        writer.write(.object(request))
        return writer.bytes + [0x0A]
    }
}
