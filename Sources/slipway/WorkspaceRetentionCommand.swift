import ArgumentParser
import Foundation
import Logging
import SlipwayCore
import SlipwayStore

/// `slipway workspace retention WORKSPACE [--days N | --forever | --server-default]`: shows or
/// sets how long the workspace keeps its inference records, on the data directory or database
/// a server uses (a running server applies the change at its next retention pass). Without an
/// option it shows the setting.
struct WorkspaceRetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show or set how long a workspace keeps its inference records.",
        discussion: """
            Records older than the retention are deleted by the server's retention pass \
            (every --retention-interval seconds of slipway serve). A workspace without a setting of \
            its own follows slipway serve --inference-retention-days (for ever when not given).
            """)

    @Argument(help: "Workspace (its name, or its number).") var workspace: String
    @Option(help: ArgumentHelp("Keep records this many days (1 to \(InferenceRetention.maximumDays)).", valueName: "days"))
    var days: Int?
    @Flag(help: "Keep every record for ever, whatever the server's default.") var forever = false
    @Flag(help: "Remove the workspace's own setting: the server's --inference-retention-days applies.")
    var serverDefault = false
    @OptionGroup var data: DataDirectoryOption

    func validate() throws {
        let chosen = [days != nil, forever, serverDefault].filter { $0 }.count
        guard chosen <= 1 else { throw ValidationError("give at most one of --days, --forever and --server-default") }
        if let days, let problem = InferenceRetention.problem(days: days) {
            throw ValidationError("--days: \(problem)")
        }
    }

    func run() async throws {
        let change = requestedChange
        let setting = try await withAdmin(data) { accounts, store in
            var found = try await accounts.workspace(named: workspace)
            if found == nil, let number = Int(workspace) { found = try await store.workspace(number: number) }
            guard let target = found else { throw SlipwayError.notFound("workspace", NameRules.printable(workspace)) }
            // The server's default is a flag of `slipway serve`, unknown here: only the
            // workspace's own setting is read and written.
            var logger = Logger(label: "slipway")
            logger.logLevel = .warning
            let retention = InferenceRetentionService(store: store, logger: logger)
            if let change { return try await retention.set(change, for: target, by: nil) }
            return try await retention.setting(of: target)
        }
        let name = setting.workspace.name
        switch (change, setting.own) {
        case (nil, let own?):
            print("workspace '\(name)': inference records are kept \(Self.phrase(own)) (its own setting)")
        case (nil, nil):
            print("workspace '\(name)': no retention of its own; slipway serve --inference-retention-days applies "
                + "(for ever when not given)")
        case (_, let own?):
            print("workspace '\(name)': inference records are now kept \(Self.phrase(own)); "
                + "older ones are deleted at the server's next retention pass")
        case (_, nil):
            print("workspace '\(name)': retention setting removed; slipway serve --inference-retention-days applies "
                + "(for ever when not given)")
        }
    }

    /// The change asked for: nil to show; `.some(nil)` to remove the workspace's own setting.
    var requestedChange: InferenceRetention?? {
        if let days { return .some(.days(days)) }
        if forever { return .some(.forever) }
        if serverDefault { return .some(nil) }
        return nil
    }

    static func phrase(_ retention: InferenceRetention) -> String {
        retention == .forever ? "for ever" : "for \(retention)"
    }
}
