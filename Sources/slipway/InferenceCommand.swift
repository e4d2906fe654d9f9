import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayServer
import SlipwayStore

/// `slipway inference import`: loads historical inference records (JSON lines, a JSON array,
/// or an Arrow IPC file of `{time, in, out}` records) into a model pipeline, offline, on the
/// data directory or database a server uses.
struct InferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inference", abstract: "Manage inference records.",
                                                    subcommands: [Import.self])

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
