import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayStore

/// `slipway deployment record-inferences`: turns the inference recording of a pipeline
/// deployment on or off, offline, on the data directory or database a server uses (a running
/// server applies it within a second).
struct DeploymentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deployment", abstract: "Manage pipeline deployments.",
                                                    subcommands: [RecordInferences.self])

    struct RecordInferences: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record-inferences",
            abstract: "Turn on or off the recording of an endpoint deployment's executions as inference records.",
            discussion: """
                When on, every endpoint execution that succeeds is kept as an inference record (the inputs \
                the caller sent and the outputs it received, files as {"file_name": …} references), readable \
                with `slipway inference list` and GET …/deployments/{name}/inferences. Off by default.
                """)
        @Option(help: "Workspace (environment) of the deployment (its name, or its number).") var workspace: String
        @Argument(help: "The deployment's name.") var deployment: String
        @Flag(exclusivity: .exclusive, help: "Record (--on) or stop recording (--off).") var state: Switch
        @OptionGroup var data: DataDirectoryOption

        enum Switch: String, EnumerableFlag {
            case on, off
        }

        func run() async throws {
            let on = state == .on
            let changed = try await withAdmin(data) { _, store in
                let target = try await CaptureCommand.workspace(workspace, store)
                guard let admin = try await store.user(named: AccountService.adminUserName) else {
                    throw ValidationError("the admin user is missing")
                }
                return try await DeploymentInferences(store: store)
                    .setRecording(on, workspaceID: target.id, deploymentName: deployment, userID: admin.id)
            }
            print("deployment '\(changed.name)': inference recording \(on ? "on" : "off")")
        }
    }
}
