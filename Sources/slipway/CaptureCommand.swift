import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayStore

/// `slipway capture bind|list|unbind`: binds data-store folders to monitored models (capture
/// files written there afterwards are ingested into the model, as the Arthur API's
/// `capture_bindings` do), offline, on the data directory or database a server uses.
struct CaptureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture", abstract: "Bind data-store folders to monitored models (capture files written there are ingested).",
        subcommands: [Bind.self, List.self, Unbind.self])

    struct Bind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bind a data-store folder to a monitored model; prints the binding id.",
            discussion: "Only .jsonl files written under the folder after binding are ingested, each once per content.")
        @Option(help: "Workspace of the model (its name, or its number).") var workspace: String
        @Option(help: "The model's id, or its partner model id.") var model: String
        @Option(help: "Data-store folder, e.g. captures/model-a/ (sub-folders included).") var folder: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let binding = try await withAdmin(data) { _, store in
                let target = try await CaptureCommand.model(model, in: try await CaptureCommand.workspace(workspace, store), store)
                guard let admin = try await store.user(named: AccountService.adminUserName) else {
                    throw ValidationError("the admin user is missing")
                }
                return try await CaptureBindingService(store: store).bind(folder: folder, to: target, by: admin.id)
            }
            print("bound folder '\(binding.folder)' to model \(binding.modelID): binding \(binding.id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's capture bindings with their outcomes.")
        @Option(help: "Workspace (its name, or its number).") var workspace: String
        @Option(help: "Only this model's bindings (its id, or its partner model id).") var model: String?
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let lines = try await withAdmin(data) { _, store -> [String] in
                let target = try await CaptureCommand.workspace(workspace, store)
                let service = CaptureBindingService(store: store)
                var reports = try await service.reports(workspaceID: target.id)
                if let model {
                    let only = try await CaptureCommand.model(model, in: target, store)
                    reports = reports.filter { $0.binding.modelID == only.id }
                }
                var lines: [String] = []
                for report in reports {
                    let partner = try await store.monitoredModel(id: report.binding.modelID)?.partnerModelID ?? "?"
                    let files = report.totals.files
                    lines.append("\(report.binding.id)  model \(report.binding.modelID) (\(partner))  folder \(report.binding.folder)  "
                        + "files: \(files[.ingested] ?? 0) ingested, \(files[.failed] ?? 0) failed, \(files[.pending] ?? 0) pending  "
                        + "inferences: \(report.totals.successCount) stored, \(report.totals.failureCount) refused")
                }
                return lines
            }
            print(lines.isEmpty ? "no capture bindings" : lines.joined(separator: "\n"))
        }
    }

    struct Unbind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop ingesting a bound folder (what was ingested stays).",
            discussion: "Name the binding by --binding, or by the folder it binds.")
        @Option(help: "Workspace of the model (its name, or its number).") var workspace: String
        @Option(help: "The model's id, or its partner model id.") var model: String
        @Option(help: "The binding's id.") var binding: String?
        @Option(help: "The bound folder.") var folder: String?
        @OptionGroup var data: DataDirectoryOption

        func validate() throws {
            guard (binding == nil) != (folder == nil) else { throw ValidationError("give either --binding or --folder") }
        }

        func run() async throws {
            let removed = try await withAdmin(data) { _, store -> String in
                let target = try await CaptureCommand.model(model, in: try await CaptureCommand.workspace(workspace, store), store)
                let service = CaptureBindingService(store: store)
                var id = binding ?? ""
                if let folder {
                    let normalized = try CaptureBinding.folder(folder)
                    guard let found = try await store.captureBindings(workspaceID: target.workspaceID)
                        .first(where: { $0.modelID == target.id && $0.folder == normalized })
                    else { throw SlipwayError.notFound("capture binding of folder", NameRules.printable(normalized)) }
                    id = found.id
                }
                try await service.unbind(id: id, of: target)
                return id
            }
            print("removed capture binding \(removed)")
        }
    }

    /// The workspace named by name, or by number.
    static func workspace(_ name: String, _ store: SQLMetadataStore) async throws -> Workspace {
        if let found = try await store.workspace(named: name) { return found }
        if let number = Int(name), let found = try await store.listWorkspaces().first(where: { $0.number == number }) {
            return found
        }
        throw SlipwayError.notFound("workspace", NameRules.printable(name))
    }

    /// The workspace's monitored model with this id, else with this partner model id.
    static func model(_ identifier: String, in workspace: Workspace, _ store: SQLMetadataStore) async throws -> MonitoredModel {
        if let found = try await store.monitoredModel(id: identifier), found.workspaceID == workspace.id { return found }
        if let found = try await store.monitoredModel(workspaceID: workspace.id, partnerModelID: identifier) { return found }
        throw SlipwayError.notFound("model", NameRules.printable(identifier))
    }
}
