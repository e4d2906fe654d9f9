import Foundation
import Mustache

/// The UI's Mustache templates, compiled into the binary (`PackageResources`), parsed once.
enum WebTemplates {
    static let library: MustacheLibrary = {
        let sources: [(String, [UInt8])] = [
            ("layout", PackageResources.layout_mustache), ("error", PackageResources.error_mustache),
            ("sign-in", PackageResources.sign_in_mustache), ("pager", PackageResources.pager_mustache),
            ("overview", PackageResources.overview_mustache), ("execution-table", PackageResources.execution_table_mustache),
            ("executions", PackageResources.executions_mustache), ("execution", PackageResources.execution_mustache),
            ("compare", PackageResources.compare_mustache), ("pipelines", PackageResources.pipelines_mustache),
            ("pipeline", PackageResources.pipeline_mustache), ("deployments", PackageResources.deployments_mustache),
            ("deployment", PackageResources.deployment_mustache), ("data-store", PackageResources.data_store_mustache),
            ("workflows", PackageResources.workflows_mustache), ("models", PackageResources.models_mustache),
            ("model", PackageResources.model_mustache), ("model-pipeline", PackageResources.model_pipeline_mustache),
            ("assays", PackageResources.assays_mustache), ("experiments", PackageResources.experiments_mustache),
            ("experiment", PackageResources.experiment_mustache),
            ("monitored-models", PackageResources.monitored_models_mustache),
            ("monitored-model", PackageResources.monitored_model_mustache), ("assay", PackageResources.assay_mustache),
        ]
        var library = MustacheLibrary()
        for (name, bytes) in sources {
            // The templates ship inside the binary: one that does not parse is a build defect,
            // which the server tests catch by rendering every page.
            do { try library.register(String(decoding: bytes, as: UTF8.self), named: name) } catch {
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// `template` rendered with `values` (every array also gets `<key>_any`, true when it is
    /// not empty, for the templates' "table or empty state" sections).
    static func render(_ template: String, _ values: [String: Any]) -> String {
        library.render(annotated(values), withTemplate: template) ?? ""
    }

    static func annotated(_ values: [String: Any]) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in values {
            switch value {
            case let dictionary as [String: Any]:
                result[key] = annotated(dictionary)
            case let array as [[String: Any]]:
                result[key] = array.map(annotated)
                result[key + "_any"] = !array.isEmpty
            case let array as [Any]:
                result[key] = array
                result[key + "_any"] = !array.isEmpty
            default:
                result[key] = value
            }
        }
        return result
    }
}
