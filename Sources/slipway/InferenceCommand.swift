import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayServer
import SlipwayStore

/// `slipway inference import`: loads historical inference records (JSON lines, a JSON array,
/// or an Arrow IPC file of `{time, in, out}` records) into a model pipeline; `slipway inference
/// list`: prints a deployment's records as JSON lines. Both offline, on the data directory or
/// database a server uses.
struct InferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inference", abstract: "Manage inference records.",
                                                    subcommands: [Import.self, List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a deployment's inference records, one JSON object a line (newest first).",
            discussion: "The deployment is a pipeline deployment (one that records inferences), else a model pipeline's deployment.")
        @Option(help: "Workspace of the deployment (its name, or its number).") var workspace: String
        @Option(help: "The deployment's name.") var deployment: String
        @Option(help: "Most records to print (1-10000).") var limit = 100
        @Flag(help: "Oldest first.") var oldestFirst = false
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let records = try await withAdmin(data) { _, store -> [InferenceRecord] in
                let target = try await CaptureCommand.workspace(workspace, store)
                var found = try await store.deployment(workspaceID: target.id, name: deployment)?.id
                if found == nil { found = try await store.modelDeployment(workspaceID: target.id, name: deployment)?.id }
                guard let deploymentID = found else {
                    throw SlipwayError.notFound("deployment", NameRules.printable(deployment))
                }
                return try await DeploymentInferences(store: store).records(
                    workspaceID: target.id, deploymentID: deploymentID, order: oldestFirst ? .oldestFirst : .newestFirst,
                    limit: limit).records
            }
            for record in records { print(Self.line(record)) }
        }

        /// One record as a JSON object: id, time (ISO 8601), external id (for a pipeline
        /// deployment, the execution), inputs, outputs, latency in milliseconds.
        static func line(_ record: InferenceRecord) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            var object: [String: JSONValue] = [
                "id": .string(record.id), "time": .string(formatter.string(from: record.time)),
                "external_id": record.externalID.map(JSONValue.string) ?? .null,
                "inputs": .object(record.inputs.mapValues(\.json)), "outputs": .object(record.outputs.mapValues(\.json)),
                "latency_ms": record.latency.map { JSONValue.number(milliseconds($0)) } ?? .null,
            ]
            if !record.dropped.isEmpty { object["dropped"] = .array(record.dropped.map(JSONValue.string)) }
            return JSONValue.object(object).jsonString()
        }

        static func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import historical inference records into a pipeline (they read like served ones).")
        @Option(help: "Workspace the pipeline is in (its name, or its number).") var workspace: String
        @Option(help: "Pipeline the records belong to.") var pipeline: String
        @Option(help: "Model that produced the outputs (its latest version is recorded).") var model: String
        @Argument(help: "JSON lines, a JSON array or an Arrow IPC file of {time (epoch ms), in, out} records.")
        var file: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read '\(file)'")
            }
            let inferences = try WallarooLogImport.inferences(fromFile: contents)
            let count = try await withAdmin(data) { accounts, store in
                var found = try await accounts.workspace(named: workspace)
                if found == nil, let number = Int(workspace) {
                    found = try await store.listWorkspaces().first { $0.number == number }
                }
                guard let target = found else { throw SlipwayError.notFound("workspace", NameRules.printable(workspace)) }
                return try await InferenceImporter(store: store).importRecords(
                    inferences, workspaceID: target.id, pipelineName: pipeline, modelName: model)
            }
            print("imported \(count) records into pipeline '\(pipeline)'")
        }
    }
}
