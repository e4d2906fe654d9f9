import Foundation

/// Where a pipeline input takes its value from, as a client describes it.
public struct InputMapping: Sendable, Equatable {
    public var pipelineInputName: String
    public var endpointInputName: String?
    public var environmentVariableName: String?
    public var isRequired: Bool?
    public var defaultValue: JSONValue?
    public var constantValue: JSONValue?
    public var isNull: Bool?
    public var datastorePath: String?

    public init(pipelineInputName: String, endpointInputName: String? = nil, environmentVariableName: String? = nil,
                isRequired: Bool? = nil, defaultValue: JSONValue? = nil, constantValue: JSONValue? = nil,
                isNull: Bool? = nil, datastorePath: String? = nil) {
        self.pipelineInputName = pipelineInputName
        self.endpointInputName = endpointInputName
        self.environmentVariableName = environmentVariableName
        self.isRequired = isRequired
        self.defaultValue = defaultValue
        self.constantValue = constantValue
        self.isNull = isNull
        self.datastorePath = datastorePath
    }

    /// Reads the SDK's `InputSource.to_dict()` shape.
    public init(json: JSONValue) throws(SlipwayError) {
        guard let object = json.objectValue, let name = object["pipeline_input_name"]?.stringValue else {
            throw .badRequest("each inputs_mapping item needs a pipeline_input_name")
        }
        self.init(pipelineInputName: name,
                  endpointInputName: object["endpoint_input_name"]?.stringValue,
                  environmentVariableName: object["environment_variable_name"]?.stringValue,
                  isRequired: object["is_required"].flatMap { if case .bool(let b) = $0 { b } else { nil } },
                  defaultValue: object["default_value"],
                  constantValue: object["constant_value"],
                  isNull: object["is_null"].flatMap { if case .bool(let b) = $0 { b } else { nil } },
                  datastorePath: object["datastore_path"]?.stringValue)
        let sources = [endpointInputName != nil, environmentVariableName != nil, constantValue != nil,
                       isNull == true, datastorePath != nil].filter { $0 }.count
        guard sources == 1 else {
            throw .badRequest("inputs_mapping for '\(NameRules.printable(name))' must set exactly one of endpoint_input_name, "
                + "environment_variable_name, constant_value, is_null, datastore_path")
        }
    }
}

/// Where a pipeline output goes, as a client describes it.
public struct OutputMapping: Sendable, Equatable {
    public var pipelineOutputName: String
    public var endpointOutputName: String?
    public var isNull: Bool?
    public var datastorePath: String?

    public init(pipelineOutputName: String, endpointOutputName: String? = nil, isNull: Bool? = nil,
                datastorePath: String? = nil) {
        self.pipelineOutputName = pipelineOutputName
        self.endpointOutputName = endpointOutputName
        self.isNull = isNull
        self.datastorePath = datastorePath
    }

    public init(json: JSONValue) throws(SlipwayError) {
        guard let object = json.objectValue, let name = object["pipeline_output_name"]?.stringValue else {
            throw .badRequest("each outputs_mapping item needs a pipeline_output_name")
        }
        self.init(pipelineOutputName: name,
                  endpointOutputName: object["endpoint_output_name"]?.stringValue,
                  isNull: object["is_null"].flatMap { if case .bool(let b) = $0 { b } else { nil } },
                  datastorePath: object["datastore_path"]?.stringValue)
        let sources = [endpointOutputName != nil, isNull == true, datastorePath != nil].filter { $0 }.count
        guard sources == 1 else {
            throw .badRequest("outputs_mapping for '\(NameRules.printable(name))' must set exactly one of "
                + "endpoint_output_name, is_null, datastore_path")
        }
    }
}

/// A file that arrived with a request, already on local disk.
public struct UploadedFile: Sendable, Equatable {
    public var url: URL
    public var fileName: String
    public var size: Int64

    public init(url: URL, fileName: String, size: Int64) {
        self.url = url
        self.fileName = fileName
        self.size = size
    }
}

/// A `run_pipeline` request.
public struct RunRequest: Sendable {
    public var values: [String: JSONValue]
    public var files: [String: UploadedFile]
    public var inputsMapping: [InputMapping]
    public var outputsMapping: [OutputMapping]

    public init(values: [String: JSONValue], files: [String: UploadedFile], inputsMapping: [InputMapping] = [],
                outputsMapping: [OutputMapping] = []) {
        self.values = values
        self.files = files
        self.inputsMapping = inputsMapping
        self.outputsMapping = outputsMapping
    }
}
