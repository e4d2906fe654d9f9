import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayStore

/// `slipway workspace network WORKSPACE [--allow | --deny]`: shows or sets whether the
/// workspace's workflow steps (task scripts run for file pipelines) may open network
/// connections beyond Slipway's own API, on the data directory or database a server uses. A
/// denied step runs in a network namespace of its own (`unshare --net`) and reaches the API
/// through the server's Unix socket; steps that start after the change follow it.
struct WorkspaceNetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Show or set whether a workspace's workflow steps may reach the network.")

    @Argument(help: "Workspace (its name, or its number).") var workspace: String
    @Flag(help: "Let steps open outbound connections (the default).") var allow = false
    @Flag(help: "Cut steps off from the network (they still reach Slipway's API).") var deny = false
    @OptionGroup var data: DataDirectoryOption

    func validate() throws {
        guard !(allow && deny) else { throw ValidationError("give --allow or --deny, not both") }
    }

    func run() async throws {
        let allowed = try await withAdmin(data) { _, store -> Bool in
            let found = try await findWorkspace(workspace, in: store)
            guard allow || deny else { return found.allowsOutboundNetwork }
            guard try await store.setWorkspaceOutboundNetwork(id: found.id, allowed: allow) else {
                throw ValidationError("workspace '\(NameRules.printable(workspace))' no longer exists")
            }
            return allow
        }
        print("workflow steps of \(workspace): outbound network \(allowed ? "allowed" : "denied")")
    }
}
