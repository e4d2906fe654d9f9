import Foundation

/// Where a model lives in a tracking store, parsed from one of the accepted model paths:
/// - `mlflow-artifacts:/<experiment>/<run>/artifacts/<path>`: a folder of a run's artifacts;
/// - `mlflow-artifacts:/<experiment>/models/m-<id>/artifacts`: a logged model's artifacts;
/// - `models:/m-<id>`: a logged model;
/// - `models:/<name>/<version>`: a version of a registered model;
/// - `runs:/<run>/<path>`: a folder of a run's artifacts.
public enum TrackedModelReference: Sendable, Equatable {
    case runArtifacts(experimentID: String?, runID: String, path: String)
    case loggedModel(experimentID: String?, modelID: String)
    case registeredModel(name: String, version: String)

    public static let acceptedForms = [
        "mlflow-artifacts:/<experiment>/<run>/artifacts/<path>", "mlflow-artifacts:/<experiment>/models/m-<id>/artifacts",
        "models:/m-<id>", "models:/<name>/<version>", "runs:/<run>/<path>",
    ]

    public init(_ text: String) throws(SlipwayError) {
        let invalid = SlipwayError.badRequest("model path '\(NameRules.printable(text))' is not one of the accepted forms: "
                                              + Self.acceptedForms.joined(separator: ", "))
        guard text.utf8.count <= 1024, !text.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true })
        else { throw invalid }
        func segments(after prefix: String) -> [String]? {
            guard text.hasPrefix(prefix) else { return nil }
            var rest = text.dropFirst(prefix.count)
            while rest.first == "/" { rest = rest.dropFirst() }
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
            return parts
        }
        if let parts = segments(after: "mlflow-artifacts:") {
            if parts.count == 4, parts[1] == "models", parts[2].hasPrefix("m-"), parts[3] == "artifacts" {
                self = .loggedModel(experimentID: parts[0], modelID: parts[2])
            } else if parts.count >= 4, parts[2] == "artifacts" {
                self = .runArtifacts(experimentID: parts[0], runID: parts[1], path: parts[3...].joined(separator: "/"))
            } else {
                throw invalid
            }
        } else if let parts = segments(after: "models:") {
            if parts.count == 1, parts[0].hasPrefix("m-"), parts[0].count > 2 {
                self = .loggedModel(experimentID: nil, modelID: parts[0])
            } else if parts.count == 2 {
                self = .registeredModel(name: parts[0], version: parts[1])
            } else {
                throw invalid
            }
        } else if let parts = segments(after: "runs:"), parts.count >= 2 {
            self = .runArtifacts(experimentID: nil, runID: parts[0], path: parts[1...].joined(separator: "/"))
        } else {
            throw invalid
        }
    }
}
