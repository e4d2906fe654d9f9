import Foundation
import SlipwayCore

/// Domain values in the JSON shapes the Craft AI SDK reads.
enum CraftAIPresenter {
    static func input(_ input: InputDefinition) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(input.name), "data_type": .string(input.dataType.rawValue),
                                           "is_required": .bool(input.isRequired)]
        if let description = input.description { object["description"] = .string(description) }
        if let value = input.defaultValue { object["default_value"] = value }
        return .object(object)
    }

    static func output(_ output: OutputDefinition) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(output.name), "data_type": .string(output.dataType.rawValue)]
        if let description = output.description { object["description"] = .string(description) }
        return .object(object)
    }

    static func containerConfig(_ config: ContainerConfig) -> JSONValue {
        .object([
            "language": config.language.json, "repository_url": config.repositoryURL.json,
            "repository_branch": config.repositoryBranch.json, "requirements_path": config.requirementsPath.json,
            "included_folders": .array((config.includedFolders ?? []).map { .string($0) }),
            "system_dependencies": .array((config.systemDependencies ?? []).map { .string($0) }),
            "dockerfile_path": config.dockerfilePath.json,
        ])
    }

    static func step(_ step: Step) -> JSONValue {
        .object([
            "parameters": .object([
                "step_name": .string(step.name), "function_path": .string(step.functionPath),
                "function_name": .string(step.functionName), "description": step.description.json,
                "inputs": .array(step.inputs.map(input)), "outputs": .array(step.outputs.map(output)),
                "container_config": containerConfig(step.containerConfig),
            ]),
            "creation_info": .object([
                "created_at": step.createdAt.json, "updated_at": step.updatedAt.json, "created_by": .string(step.createdBy),
                "commit_id": .string(String(step.codeDigest.prefix(12))), "status": .string(CraftAIStatus.of(step.status)),
                "origin": .string("local"),
            ]),
        ])
    }

    static func pipeline(_ pipeline: Pipeline, step: Step) -> JSONValue {
        .object([
            "parameters": .object([
                "pipeline_name": .string(pipeline.name), "step_name": pipeline.ownsStep ? .null : .string(step.name),
                "function_path": .string(step.functionPath), "function_name": .string(step.functionName),
                "description": step.description.json, "inputs": .array(step.inputs.map(input)),
                "outputs": .array(step.outputs.map(output)), "container_config": containerConfig(step.containerConfig),
            ]),
            "creation_info": .object([
                "created_at": pipeline.createdAt.json, "created_by": .string(pipeline.createdBy),
                "commit_id": .string(String(step.codeDigest.prefix(12))), "status": .string(CraftAIStatus.of(step.status)),
                "origin": .string("local"), "pipeline_template": .null,
            ]),
        ])
    }

    static func executionSummary(_ execution: Execution) -> JSONValue {
        .object([
            "execution_id": .string(execution.id), "status": .string(CraftAIStatus.of(execution.status)),
            "created_at": execution.createdAt.json, "created_by": .string(execution.createdBy),
            "start_date": execution.startedAt.json, "end_date": execution.endedAt.json,
            "pipeline_name": .string(execution.pipelineName), "deployment_name": execution.deploymentName.json,
            "execution_rule": .string(execution.trigger.rawValue),
        ])
    }

    static func execution(_ execution: Execution, step: Step?, inputs: [ExecutionInput], outputs: [ExecutionOutput],
                          includeValues: Bool) -> JSONValue {
        guard case .object(var object) = executionSummary(execution) else { return .null }
        object["failure_message"] = execution.failureMessage.json
        object["inputs"] = .array(inputs.map { input in
            var item: [String: JSONValue] = [
                "pipeline_input_name": .string(input.name), "data_type": .string(input.dataType.rawValue),
                "mapping_type": .string(CraftAIMapping.type(of: input.source)),
                "mapping_value": .object(CraftAIMapping.value(of: input.source, input: input.name)),
            ]
            if includeValues && input.dataType != .file { item["value"] = input.value ?? .null }
            return .object(item)
        })
        object["outputs"] = .array(outputs.map { output in
            var item: [String: JSONValue] = [
                "pipeline_output_name": .string(output.name), "data_type": .string(output.dataType.rawValue),
                "mapping_type": .string(CraftAIMapping.type(of: output.destination)),
                "mapping_value": .object(CraftAIMapping.value(of: output.destination, output: output.name)),
            ]
            if includeValues && output.dataType != .file { item["value"] = output.value ?? .null }
            return .object(item)
        })
        object["steps"] = .array([.object([
            "name": .string(step?.ownerPipelineName == nil ? (step?.name ?? "") : execution.pipelineName),
            "status": .string(CraftAIStatus.of(execution.status)), "start_date": execution.startedAt.json,
            "end_date": execution.endedAt.json, "commit_id": .string(String((step?.codeDigest ?? "").prefix(12))),
            "repository_url": .null, "repository_branch": .null,
            "requirements_path": (step?.containerConfig.requirementsPath).json, "origin": .string("local"),
        ])])
        return .object(object)
    }

    static func logs(_ lines: [LogLine]) -> JSONValue {
        .array(lines.map { line in
            .object(["timestamp": line.timestamp.json, "message": .string(line.message), "stream": .string(line.stream.rawValue)])
        })
    }

    static func dataObject(_ object: DataObject) -> JSONValue {
        .object(["path": .string(object.path), "size": .number(Double(object.size)),
                 "last_modified": object.lastModified.json])
    }
}
