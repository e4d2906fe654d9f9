import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// The data drift queries (`…/inferences/query/data_drift`,
    /// `…/data_drift_psi_bucket_calculation_table`), computed by the core's drift engine.
    func registerDrift(_ api: RouterGroup<SlipwayRequestContext>) {
        for table in ["data_drift", "data_drift_psi_bucket_calculation_table"] {
            api.post("models/:model_id/inferences/query/\(table)") { _, context -> Response in
                _ = try context.arthurScope()
                throw SlipwayError.notImplemented("data drift queries arrive with the drift engine")
            }
        }
    }
}
