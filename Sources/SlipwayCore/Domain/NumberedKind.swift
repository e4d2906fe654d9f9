import Foundation

/// Kinds of objects that also have a small integer number: stable, unique per kind, assigned in
/// increasing order the first time it is asked for. APIs that name objects by integer use it.
public enum NumberedKind: String, Sendable, Codable, CaseIterable {
    case model
    case modelVersion = "model_version"
    case pipeline
    case pipelineVersion = "pipeline_version"
    case deployment
    case assay
    case assayResult = "assay_result"
}
