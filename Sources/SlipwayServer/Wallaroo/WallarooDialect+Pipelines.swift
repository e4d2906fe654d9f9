import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/pipelines/create|deploy|undeploy|copy`, `status/get_deployment` and
/// `admin/get_pipeline_external_url` (protocol reference §8). Pipelines, their versions
/// ("variants") and deployments are named by their numbers.
extension WallarooDialect {
    struct CreatePipelineBody: Decodable {
        var pipeline_id: String
        var workspace_id: FlexibleInt
        var definition: JSONValue?
    }

    struct DeployBody: Decodable {
        var deploy_id: String
        var pipeline_version_pk_id: Int?
        var pipeline_id: Int
        var models: [JSONValue]?
        var model_ids: [Int]?
        var model_configs: [Int]?
        var engine_config: JSONValue?
    }

    struct StatusBody: Decodable {
        var name: String
    }

    struct ExternalURLBody: Decodable {
        var workspace_id: FlexibleInt
        var pipeline_name: String
    }

    struct UndeployBody: Decodable {
        var pipeline_id: Int?
        var deployment_id: Int
    }

    struct CopyBody: Decodable {
        var name: String
        var workspace_id: FlexibleInt
        var source_pipeline: Int
        var deploy: String?
        var engine_config: JSONValue?
        var pipeline_version: String?
    }

    func registerPipelines(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("pipelines/create") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(CreatePipelineBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let graph = try await WallarooPipelineDefinition(body.definition).graph(models: core.models, workspaceID: workspace.id)
            if let existing = try? await core.modelPipelines.pipeline(named: body.pipeline_id, workspaceID: workspace.id) {
                let version = try await core.modelPipelines.addVersion(to: existing, userID: user.id, graph: graph)
                return try await created(existing, version)
            }
            let (pipeline, version) = try await core.modelPipelines.create(workspaceID: workspace.id, userID: user.id,
                                                                           name: body.pipeline_id, graph: graph)
            return try await created(pipeline, version)
        }
        api.post("pipelines/deploy") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(DeployBody.self)
            let pipeline = try await pipeline(number: body.pipeline_id, user: user)
            let version: PipelineVersion
            if let variant = body.pipeline_version_pk_id {
                let id = try await core.numbers.id(of: .pipelineVersion, number: variant, what: "pipeline version")
                version = try await core.modelPipelines.version(id: id, workspaceID: pipeline.workspaceID)
                guard version.pipelineID == pipeline.id else {
                    throw SlipwayError.badRequest("pipeline version \(variant) is not a version of pipeline \(body.pipeline_id)")
                }
            } else {
                version = try await core.modelPipelines.latestVersion(of: pipeline)
            }
            if !version.graph.nodes.isEmpty, (body.models ?? []).isEmpty, (body.model_ids ?? []).isEmpty,
               (body.model_configs ?? []).isEmpty {
                throw SlipwayError.badRequest("a pipeline with model steps is deployed with its models: give 'models', "
                    + "'model_ids' or 'model_configs'")
            }
            let resources = try WallarooEngineConfig.resources(body.engine_config)
            let deployment = try await core.serving.deploy(workspaceID: pipeline.workspaceID, userID: user.id,
                                                           name: body.deploy_id, pipeline: pipeline, version: version,
                                                           resources: resources)
            return JSONResponse.make(.object(["id": .number(Double(try await core.numbers.number(of: .deployment, id: deployment.id)))]))
        }
        api.post("status/get_deployment") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(StatusBody.self)
            let (deployment, _) = try await deployment(fullName: body.name, user: user)
            guard deployment.status != .stopped else {
                throw SlipwayError.notFound("deployment", NameRules.printable(body.name))
            }
            let pipeline = try await core.modelPipelines.pipeline(id: deployment.pipelineID, workspaceID: deployment.workspaceID)
            var status = try await WallarooDeploymentPresenter.status(
                deployment, pipeline: pipeline, replicas: await core.serving.replicas(of: deployment), models: core.models)
            // Slipway's own addition: mean rows per model call, by model version (batching at work).
            let batches = await core.serving.meanBatchRows(of: deployment)
            if case .object(var object) = status {
                object["inference_metrics"] = .object(["mean_batch_rows": .object(batches.mapValues(JSONValue.number))])
                status = .object(object)
            }
            return JSONResponse.make(status)
        }
        api.post("admin/get_pipeline_external_url") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ExternalURLBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let pipeline = try await core.modelPipelines.pipeline(named: body.pipeline_name, workspaceID: workspace.id)
            let deployments = try await core.serving.deployments(of: pipeline).filter { $0.status != .stopped }
            guard let deployment = deployments.last else {
                throw SlipwayError.notFound("deployment of pipeline", pipeline.name)
            }
            let number = try await core.numbers.number(of: .deployment, id: deployment.id)
            let base = Self.baseURL(of: request, configuration: configuration)
            return JSONResponse.make(.object(["url": .string(
                "\(base)/v1/api/pipelines/infer/\(deployment.name)-\(number)/\(pipeline.name)")]))
        }
        api.post("pipelines/undeploy") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(UndeployBody.self)
            let id = try await core.numbers.id(of: .deployment, number: body.deployment_id, what: "deployment")
            let deployment = try await core.serving.deployment(id: id)
            _ = try await accounts.workspace(id: deployment.workspaceID, visibleTo: user)
            if let pipelineNumber = body.pipeline_id {
                let pipelineID = try await core.numbers.id(of: .pipeline, number: pipelineNumber, what: "pipeline")
                guard pipelineID == deployment.pipelineID else {
                    throw SlipwayError.badRequest("deployment \(body.deployment_id) does not serve pipeline \(pipelineNumber)")
                }
            }
            _ = try await core.serving.undeploy(deployment)
            return JSONResponse.make(.null)
        }
        api.post("pipelines/copy") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(CopyBody.self)
            let source = try await pipeline(number: body.source_pipeline, user: user)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            guard workspace.id == source.workspaceID else {
                throw SlipwayError.badRequest("pipeline \(body.source_pipeline) is in another workspace")
            }
            var version: PipelineVersion?
            if let id = body.pipeline_version { version = try await core.modelPipelines.version(id: id, workspaceID: workspace.id) }
            let (copy, copyVersion) = try await core.modelPipelines.copy(source, version: version, name: body.name, userID: user.id)
            var deploymentNumber: JSONValue = .null
            if let name = body.deploy {
                let deployment = try await core.serving.deploy(
                    workspaceID: workspace.id, userID: user.id, name: name, pipeline: copy, version: copyVersion,
                    resources: try WallarooEngineConfig.resources(body.engine_config))
                deploymentNumber = .number(Double(try await core.numbers.number(of: .deployment, id: deployment.id)))
            }
            return JSONResponse.make(.object([
                "pipeline_pk_id": .number(Double(try await core.numbers.number(of: .pipeline, id: copy.id))),
                "pipeline_variant_pk_id": .number(Double(try await core.numbers.number(of: .pipelineVersion, id: copyVersion.id))),
                "pipeline_version": body.pipeline_version.map(JSONValue.string) ?? .null,
                "deployment": deploymentNumber,
            ]))
        }
    }

    func created(_ pipeline: Pipeline, _ version: PipelineVersion) async throws -> Response {
        JSONResponse.make(.object([
            "pipeline_pk_id": .number(Double(try await core.numbers.number(of: .pipeline, id: pipeline.id))),
            "pipeline_variant_pk_id": .number(Double(try await core.numbers.number(of: .pipelineVersion, id: version.id))),
            "pipeline_variant_version": .string(version.id),
        ]))
    }

    func pipeline(number: Int, user: User) async throws -> Pipeline {
        let id = try await core.numbers.id(of: .pipeline, number: number, what: "pipeline")
        let pipeline = try await core.modelPipelines.pipeline(id: id)
        _ = try await accounts.workspace(id: pipeline.workspaceID, visibleTo: user)
        return pipeline
    }

    /// The deployment named `{deploy_id}-{number}`, for a user who is a member of its workspace.
    func deployment(fullName: String, user: User?) async throws -> (ModelDeployment, Int) {
        let (name, number) = try Self.split(fullName: fullName)
        let id = try await core.numbers.id(of: .deployment, number: number, what: "deployment")
        let deployment = try await core.serving.deployment(id: id)
        guard deployment.name == name else { throw SlipwayError.notFound("deployment", NameRules.printable(fullName)) }
        if let user { _ = try await accounts.workspace(id: deployment.workspaceID, visibleTo: user) }
        return (deployment, number)
    }

    /// `{deploy_id}-{number}` split at its last dash.
    static func split(fullName: String) throws -> (name: Substring, number: Int) {
        guard let dash = fullName.lastIndex(of: "-"), let number = Int(fullName[fullName.index(after: dash)...]) else {
            throw SlipwayError.badRequest("deployment name '\(NameRules.printable(fullName))' must be '<deploy_id>-<id>'")
        }
        return (fullName[..<dash], number)
    }

    /// `scheme://host[:port]` the caller reached this server at.
    static func baseURL(of request: Request, configuration: ServerConfiguration) -> String {
        let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        let scheme = request.headers[values: .init("X-Forwarded-Proto")!].first ?? "http"
        return "\(scheme)://\(host)"
    }
}
