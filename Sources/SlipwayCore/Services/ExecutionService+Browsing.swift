import Foundation

extension ExecutionService {
    /// One page of a workspace's executions passing `query`'s filters, with their total.
    public func page(_ query: ExecutionQuery) async throws -> ExecutionPage {
        try await platform.store.executionPage(query)
    }

    /// Runs the pipeline of `execution` again with the inputs it was given: values as they were
    /// resolved then, files as they were stored (copied through `scratch`, a folder the caller
    /// owns; the copies are removed once the new execution holds its own), data-store inputs
    /// from the same paths.
    public func rerun(_ execution: Execution, workspace: Workspace, principal: Principal,
                      scratch: URL) async throws -> Execution {
        guard let pipeline = try await platform.store.pipeline(workspaceID: workspace.id, name: execution.pipelineName),
              pipeline.id == execution.pipelineID else {
            throw SlipwayError.conflict("pipeline '\(execution.pipelineName)' no longer exists as it was; it cannot be run again")
        }
        guard let step = try await platform.store.step(id: execution.stepID) else {
            throw SlipwayError.notFound("step of pipeline", pipeline.name)
        }
        var values: [String: JSONValue] = [:]
        var files: [String: UploadedFile] = [:]
        var mapping: [InputMapping] = []
        var copies: [URL] = []
        defer { for copy in copies { try? FileManager.default.removeItem(at: copy) } }
        for input in try await inputs(of: execution) {
            if let blob = input.fileBlob {
                let copy = scratch.appendingPathComponent("rerun-\(UUID().uuidString)")
                try await platform.blobs.export(blob, to: copy)
                copies.append(copy)
                let size = try await platform.blobs.size(of: blob) ?? 0
                files[input.name] = UploadedFile(url: copy, fileName: input.fileName ?? input.name, size: size)
                mapping.append(InputMapping(input: input.name, source: .run))
            } else if let path = input.source.dataStorePath {
                mapping.append(InputMapping(input: input.name, source: .dataStore(path: path)))
            } else if let value = input.value, value != .null {
                values[input.name] = value
                mapping.append(InputMapping(input: input.name, source: .run))
            } else {
                mapping.append(InputMapping(input: input.name, source: .null))
            }
        }
        let outputsMapping = try await outputs(of: execution).map { OutputMapping(output: $0.name, destination: $0.destination) }
        return try await run(pipeline: pipeline, step: step,
                             request: RunRequest(values: values, files: files, inputsMapping: mapping,
                                                 outputsMapping: outputsMapping),
                             workspace: workspace, principal: principal)
    }
}
