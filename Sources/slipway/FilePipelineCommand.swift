import ArgumentParser
import Foundation
import SlipwayApp
import SlipwayCore
import SlipwayServer
import SlipwayStore

/// `slipway file-pipeline create|list|enable|disable|delete`: a workspace's pipelines that run
/// a protocol on every new data-store file meeting their trigger, offline, on the data
/// directory or database a server uses (a running server picks a new pipeline up at the next
/// file or scan).
struct FilePipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file-pipeline", abstract: "Manage pipelines that run a protocol when files arrive.",
        subcommands: [Create.self, List.self, Enable.self, Disable.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a pipeline and print its id.")
        @Argument(help: "Pipeline name (unique in the workspace).") var name: String
        @Option(help: "The protocol: NAMESPACE/SLUG@VERSION (e.g. private-lab/v3-push@v1.0.0).") var `protocol`: String
        @Option(help: ArgumentHelp("A config item: KEY=setting:NAME, KEY=secret:NAME or KEY=VALUE (JSON when it parses, else text); repeatable.",
                                   valueName: "item")) var config: [String] = []
        @Option(help: ArgumentHelp("A condition on new files, all of which must hold: filePath=GLOB, fileCategory=NAME, label:NAME=VALUE, "
                                   + "label:NAME (present), metadata:KEY=VALUE; repeatable.", valueName: "condition")) var trigger: [String] = []
        @Option(help: "What the pipeline is for.") var description = ""
        @Flag(help: "Create it disabled.") var disabled = false
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            let (namespace, slug, version) = try Self.address(self.protocol)
            let items = try Dictionary(config.map(Self.configItem), uniquingKeysWith: { _, _ in
                throw ValidationError("a --config key is given twice")
            })
            guard !trigger.isEmpty else { throw ValidationError("give at least one --trigger (e.g. 'filePath=incoming/*.json')") }
            let conditions = try trigger.map(Self.condition)
            let pipeline = try await withPipelines(target) { service, store, workspace, user in
                guard let definition = try await store.codePackage(workspaceID: workspace.id, kind: .workflow, namespace: namespace,
                                                                   slug: slug, version: version) else {
                    throw ValidationError("no protocol \(namespace)/\(slug)/\(version) in workspace '\(workspace.name)'")
                }
                return try await service.create(
                    .init(name: name, description: description, definitionID: definition.id, config: items,
                          condition: conditions.count == 1 ? conditions[0] : .all(conditions), enabled: !disabled),
                    workspaceID: workspace.id, by: user)
            }
            print(pipeline.id)
        }

        static func address(_ text: String) throws -> (String, String, String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let at = parts[1].firstIndex(of: "@"), !parts[0].isEmpty else {
                throw ValidationError("--protocol is NAMESPACE/SLUG@VERSION")
            }
            let slug = String(parts[1][..<at]), version = String(parts[1][parts[1].index(after: at)...])
            guard !slug.isEmpty, !version.isEmpty else { throw ValidationError("--protocol is NAMESPACE/SLUG@VERSION") }
            return (String(parts[0]), slug, version)
        }

        static func configItem(_ text: String) throws -> (String, FilePipeline.ConfigValue) {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { throw ValidationError("--config is KEY=VALUE") }
            let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
            if value.hasPrefix("setting:") { return (key, .sharedSetting(String(value.dropFirst(8)))) }
            if value.hasPrefix("secret:") { return (key, .secret(String(value.dropFirst(7)))) }
            return (key, .literal((try? JSONValue.parse(value)) ?? .string(value)))
        }

        static func condition(_ text: String) throws -> FileCondition {
            let equals = text.firstIndex(of: "=")
            let key = String(text[..<(equals ?? text.endIndex)])
            let value = equals.map { String(text[text.index(after: $0)...]) }
            switch (key, value) {
            case ("filePath", let glob?):
                do { return .path(try GlobPattern(glob)) } catch { throw ValidationError("--trigger filePath: \(error.message)") }
            case ("fileCategory", let category?): return .category(category)
            case (let label, _) where label.hasPrefix("label:") && label.count > 6: return .label(name: String(label.dropFirst(6)), value: value)
            case (let entry, let value?) where entry.hasPrefix("metadata:") && entry.count > 9:
                return .metadata(key: String(entry.dropFirst(9)), value: value)
            default:
                throw ValidationError("--trigger '\(NameRules.printable(text))': use filePath=GLOB, fileCategory=NAME, label:NAME[=VALUE] or metadata:KEY=VALUE")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's pipelines: id, name, status, protocol.")
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            let rows = try await withPipelines(target) { service, store, workspace, _ in
                var rows: [String] = []
                for pipeline in try await service.list(workspaceID: workspace.id) {
                    let address = try await store.codePackage(id: pipeline.packageID)?.address ?? "(protocol deleted)"
                    rows.append("\(pipeline.id)\t\(pipeline.name)\t\(pipeline.enabled ? "enabled" : "disabled")\t\(address)")
                }
                return rows
            }
            for row in rows { print(row) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a pipeline: files stored from now on start workflows.")
        @Argument(help: "Pipeline name or id.") var pipeline: String
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            try await setEnabled(true, pipeline, target)
            print("enabled \(pipeline)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a pipeline: no new workflows start.")
        @Argument(help: "Pipeline name or id.") var pipeline: String
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            try await setEnabled(false, pipeline, target)
            print("disabled \(pipeline)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a pipeline and its workflows.")
        @Argument(help: "Pipeline name or id.") var pipeline: String
        @OptionGroup var target: WorkspaceTargetOption

        func run() async throws {
            try await withPipelines(target) { service, _, workspace, _ in
                let found = try await named(pipeline, service: service, workspace: workspace)
                try await service.delete(id: found.id, workspaceID: workspace.id)
            }
            print("deleted \(pipeline)")
        }
    }
}

private func setEnabled(_ enabled: Bool, _ pipeline: String, _ target: WorkspaceTargetOption) async throws {
    try await withPipelines(target) { service, _, workspace, _ in
        let found = try await named(pipeline, service: service, workspace: workspace)
        _ = try await service.update(id: found.id, workspaceID: workspace.id, with: .init(enabled: enabled))
    }
}

private func named(_ pipeline: String, service: FilePipelineService, workspace: Workspace) async throws -> FilePipeline {
    let all = try await service.list(workspaceID: workspace.id)
    guard let found = all.first(where: { $0.id == pipeline }) ?? all.first(where: { $0.name == pipeline }) else {
        throw ValidationError("no pipeline '\(NameRules.printable(pipeline))' in workspace '\(workspace.name)'")
    }
    return found
}

/// Runs `body` with the pipelines of the target workspace, acting as its administrator.
private func withPipelines<T>(_ target: WorkspaceTargetOption,
                              _ body: (FilePipelineService, SQLMetadataStore, Workspace, String) async throws -> T) async throws -> T {
    try await withAdmin(target.data) { _, store in
        let workspace = try await target.workspace(in: store)
        guard let admin = try await store.user(named: AccountService.adminUserName) else {
            throw ValidationError("the data directory has no administrator")
        }
        let sealer = SecretSealer(key: try DataDirectory(root: target.data.url).sealingKey())
        let service = FilePipelineService(
            store: store, now: { Date() }, secrets: SecretService(store: store, sealer: sealer), settings: SettingService(store: store),
            definitions: { $0 == .workflow ? TetraProtocolDefinitions() : nil })
        return try await body(service, store, workspace, admin.id)
    }
}
