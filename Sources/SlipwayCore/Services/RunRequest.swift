import Foundation

/// A request to run a pipeline directly: values and files by input name, and optional mappings
/// for the inputs and outputs the caller does not give or take directly.
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
