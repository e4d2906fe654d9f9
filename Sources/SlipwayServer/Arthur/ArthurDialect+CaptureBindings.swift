import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// Slipway's extension of the Arthur API (Arthur has no such routes; no Arthur client calls
    /// them): capture bindings, which replace the SageMaker Lambda relay when the capture files
    /// land in Slipway's own data store. A binding ties a data-store folder of the workspace to
    /// the model; every `.jsonl` written under it afterwards (data-store upload, presigned upload,
    /// step output) is ingested once as a SageMaker Data Capture file.
    ///
    /// - `POST /models/{id}/capture_bindings` `{"folder": "captures/model-a/"}` → 201, the binding;
    ///   a bad folder is a 400, a folder overlapping one already bound to the model a 409;
    /// - `GET /models/{id}/capture_bindings` → `{"data": [binding with "counts" and "files"]}`;
    /// - `GET /models/{id}/capture_bindings/{binding_id}` → one binding with its outcomes;
    /// - `DELETE /models/{id}/capture_bindings/{binding_id}` → 204; ingestion stops, what was
    ///   ingested and the file outcomes stay.
    ///
    /// Ingestion-only keys may not call them (403); another workspace's model is a 404.
    func registerCaptureBindings(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models/:model_id/capture_bindings") { request, context -> Response in
            let (user, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let fields = ArthurFields(try await Self.jsonObject(request, limit: Self.maxJSONBodyBytes), what: "capture_binding")
            let binding = try await core.captureBindings.bind(folder: try fields.requiredString("folder"), to: model, by: user.id)
            return JSONResponse.make(ArthurCaptureBindingPresenter.present(binding), status: .created)
        }
        api.get("models/:model_id/capture_bindings") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let reports = try await core.captureBindings.reports(of: model)
            return JSONResponse.make(.object(["data": .array(reports.map(ArthurCaptureBindingPresenter.present))]))
        }
        api.get("models/:model_id/capture_bindings/:binding_id") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let binding = try await core.captureBindings.binding(id: try context.parameters.require("binding_id"), of: model)
            return JSONResponse.make(ArthurCaptureBindingPresenter.present(try await core.captureBindings.report(of: binding)))
        }
        api.delete("models/:model_id/capture_bindings/:binding_id") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            try await core.captureBindings.unbind(id: try context.parameters.require("binding_id"), of: model)
            return JSONResponse.empty(.noContent)
        }
    }
}
