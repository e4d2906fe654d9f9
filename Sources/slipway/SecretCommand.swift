import ArgumentParser
import Foundation
import SlipwayApp
import SlipwayCore
import SlipwayStore

/// `slipway secret set|list|delete`: a workspace's secrets, offline, on the data directory or
/// database a server uses. Values are sealed with the data directory's key (the one the server
/// uses) and are read from stdin only, never from the command line; no output shows them.
struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "secret", abstract: "Manage a workspace's secrets.",
                                                    subcommands: [Set.self, List.self, Delete.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a secret or replace its value, read from stdin (typed without echo on a terminal).")
        @Argument(help: "Secret name (letters, digits, '_', '-', '.').") var name: String
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            try Secret.validateName(name)
            let value = try readSecretValue(prompt: "Value of secret '\(name)': ")
            let secret = try await withAdmin(target.data) { _, store in
                let workspace = try await target.workspace(in: store)
                let sealer = SecretSealer(key: try DataDirectory(root: target.data.url).sealingKey())
                return try await SecretService(store: store, sealer: sealer)
                    .set(name: name, value: value, workspaceID: workspace.id, by: nil)
            }
            print("secret \(secret.name) \(secret.version == 1 ? "created" : "updated") (version \(secret.version))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's secrets (names and times, never values).")
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            let secrets = try await withAdmin(target.data) { _, store in
                try await store.secrets(workspaceID: try await target.workspace(in: store).id)
            }
            for secret in secrets {
                print("\(secret.name)\tversion \(secret.version)\tupdated \(ISO8601DateFormatter().string(from: secret.updatedAt))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a secret.")
        @Argument(help: "Secret name.") var name: String
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            try await withAdmin(target.data) { _, store in
                let workspace = try await target.workspace(in: store)
                let sealer = SecretSealer(key: try DataDirectory(root: target.data.url).sealingKey())
                try await SecretService(store: store, sealer: sealer).delete(name: name, workspaceID: workspace.id)
            }
            print("deleted secret \(name)")
        }
    }
}

/// The data directory and the workspace an administration command works on.
struct WorkspaceTargetOption: ParsableArguments {
    @Option(help: "Workspace (its name, or its number).") var workspace = AccountService.defaultWorkspaceName
    @OptionGroup var data: DataDirectoryOption

    func workspace(in store: SQLMetadataStore) async throws -> Workspace {
        try await findWorkspace(workspace, in: store)
    }
}

/// The workspace of that name, or else of that number.
func findWorkspace(_ nameOrNumber: String, in store: SQLMetadataStore) async throws -> Workspace {
    if let found = try await store.workspace(named: nameOrNumber) { return found }
    if let number = Int(nameOrNumber), let found = try await store.workspace(number: number) { return found }
    throw ValidationError("no workspace named '\(NameRules.printable(nameOrNumber))'")
}

/// A secret value from stdin: on a terminal, one line typed without echo after `prompt` (on
/// stderr); otherwise everything piped in, less one final line break. Empty is refused.
func readSecretValue(prompt: String) throws -> String {
    var value: String
    if isatty(STDIN_FILENO) != 0 {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let canHide = tcgetattr(STDIN_FILENO, &saved) == 0
        if canHide {
            var hidden = saved
            hidden.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden)
        }
        value = readLine(strippingNewline: true) ?? ""
        if canHide { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
        FileHandle.standardError.write(Data("\n".utf8))
    } else {
        value = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if value.hasSuffix("\r\n") { value.removeLast(2) } else if value.hasSuffix("\n") { value.removeLast() }
    }
    guard !value.isEmpty else { throw ValidationError("no value on stdin") }
    return value
}
