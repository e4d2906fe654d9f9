import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayStore

/// `slipway setting set|list|delete`: a workspace's shared settings (plain values), offline, on
/// the data directory or database a server uses.
struct SettingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "setting", abstract: "Manage a workspace's shared settings.",
                                                    subcommands: [Set.self, List.self, Delete.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a shared setting or replace its value.")
        @Argument(help: "Setting name (letters, digits, '_', '-', '.').") var name: String
        @Argument(help: "Its value (not for credentials: use 'slipway secret set').") var value: String
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            let setting = try await withAdmin(target.data) { _, store in
                try await SettingService(store: store)
                    .set(name: name, value: value, workspaceID: try await target.workspace(in: store).id, by: nil)
            }
            print("setting \(setting.name) \(setting.version == 1 ? "created" : "updated") (version \(setting.version))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's shared settings and their values.")
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            let settings = try await withAdmin(target.data) { _, store in
                try await store.sharedSettings(workspaceID: try await target.workspace(in: store).id)
            }
            for setting in settings { print("\(setting.name)\t\(setting.value)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a shared setting.")
        @Argument(help: "Setting name.") var name: String
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            try await withAdmin(target.data) { _, store in
                try await SettingService(store: store).delete(name: name, workspaceID: try await target.workspace(in: store).id)
            }
            print("deleted setting \(name)")
        }
    }
}
