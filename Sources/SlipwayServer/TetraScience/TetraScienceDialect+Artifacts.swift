import Foundation
import Hummingbird
import SlipwayCore

/// `/v1/artifact/…`: task scripts, protocols and IDS schemas, as `ts-sdk put` uploads them.
///
/// - `POST /v1/artifact/{task-scripts|master-scripts|ids}/{namespace}/{slug}/{version}[?force=true]`
///   with the raw ZIP (≤ 50 MiB). The namespace is `private-<organization>` of the call's
///   organization; a version exists once unless `force=true` replaces it. A task script's
///   `config.json` and `requirements.txt` are checked, its environment is built in the
///   background (`init/before_install` run in it) and the answer carries `build.id`; a protocol's
///   `protocol.yml` is checked against the stored task scripts and is ready at once; an IDS
///   needs a `schema.json`.
/// - `GET /v1/artifact/builds/{id}` → `{"build": {id, buildComplete, buildStatus}}`, the status
///   `IN_PROGRESS`, `SUCCEEDED` or `FAILED`; `GET /v1/artifact/build-logs/{id}?nextToken=` →
///   `{"events": [{message, timestamp}], "nextToken"}`, the next call's token always given.
/// - `GET /v1/artifact/{type}[?namespace=&slug=]`, `GET /v1/artifact/{type}/{ns}/{slug}` (its
///   versions), `GET|DELETE /v1/artifact/{type}/{ns}/{slug}/{version}`; a task script that a
///   stored protocol uses cannot be deleted.
extension TetraScienceDialect {
    enum ArtifactType: String, CaseIterable {
        case taskScripts = "task-scripts"
        case masterScripts = "master-scripts"
        case ids

        var kind: CodePackage.Kind {
            switch self {
            case .taskScripts: .functions
            case .masterScripts: .workflow
            case .ids: .schema
            }
        }

        /// The artifact's `type` in answers.
        var name: String {
            switch self {
            case .taskScripts: "task-script"
            case .masterScripts: "protocol"
            case .ids: "ids"
            }
        }

        init(kind: CodePackage.Kind) {
            switch kind {
            case .functions, .task: self = .taskScripts
            case .workflow: self = .masterScripts
            case .schema: self = .ids
            }
        }
    }

    static let buildLogPage = 500

    func registerArtifacts(_ api: RouterGroup<SlipwayRequestContext>) {
        api.get("artifact/builds/:id") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let package = try await core.codePackages.package(id: try context.parameters.require("id"), workspaceID: workspace.id)
            return JSONResponse.make(.object(["build": Self.build(package)]))
        }
        api.get("artifact/build-logs/:id") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let package = try await core.codePackages.package(id: try context.parameters.require("id"), workspaceID: workspace.id)
            let token = request.query("nextToken") ?? ""
            guard let offset = token.isEmpty ? 0 : Int(token), offset >= 0 else {
                throw SlipwayError.badRequest("'nextToken' must be a token from an earlier answer")
            }
            let lines = try await core.codePackages.buildLog(of: package, offset: offset, limit: Self.buildLogPage)
            return JSONResponse.make(.object([
                "events": .array(lines.map { .object(["message": .string($0.message), "timestamp": .number((($0.timestamp.timeIntervalSince1970) * 1000).rounded())]) }),
                "nextToken": .string(String(offset + lines.count)),
            ]))
        }
        api.post("artifact/:type/:namespace/:slug/:version") { request, context -> Response in
            let (user, workspace) = try context.tetraScienceScope()
            let type = try Self.artifactType(context)
            let (namespace, slug, version) = try Self.address(context, workspace: workspace)
            let force = request.query("force").map { ["true", "1"].contains($0.lowercased()) } ?? false
            let archive = uploads.appendingPathComponent("artifact-\(UUID().uuidString.lowercased()).zip")
            defer { try? FileManager.default.removeItem(at: archive) }
            let limit = core.platform.limits.maxCodePackageBytes
            let size = try await request.spoolBody(to: archive, limit: Int64(limit),
                                                   tooLarge: "the artifact is larger than \(limit) bytes (50 MiB)")
            guard size > 0 else { throw SlipwayError.badRequest("the request body must be the artifact's ZIP archive") }
            let bundle = try await core.codePackages.stage(zipArchive: archive)
            let draft: CodePackageDraft
            do {
                draft = try await self.draft(type, namespace: namespace, slug: slug, version: version, bundle: bundle, workspace: workspace)
            } catch {
                core.codePackages.discard(bundle)
                throw error
            }
            let package = try await core.codePackages.create(draft, bundle: bundle, archive: archive, workspace: workspace,
                                                             by: user.id, replace: force)
            var answer: [String: JSONValue] = [
                "type": .string(type.name), "namespace": .string(namespace), "slug": .string(slug), "version": .string(version),
                "id": .string(package.id),
            ]
            // Only what is built has a build: ts-sdk then follows it; for the others it prints the answer.
            if package.kind.hasEnvironment { answer["build"] = .object(["id": .string(package.id)]) }
            return JSONResponse.make(.object(answer))
        }
        api.get("artifact/:type") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let type = try Self.artifactType(context)
            let packages = try await core.codePackages.list(workspaceID: workspace.id, kind: type.kind, namespace: request.query("namespace"),
                                                            slug: request.query("slug"))
            return JSONResponse.make(.array(packages.map { present($0, detailed: false) }))
        }
        api.get("artifact/:type/:namespace/:slug") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let type = try Self.artifactType(context)
            let namespace = try context.parameters.require("namespace")
            let slug = try context.parameters.require("slug")
            let packages = try await core.codePackages.list(workspaceID: workspace.id, kind: type.kind, namespace: namespace, slug: slug)
            guard !packages.isEmpty else { throw SlipwayError.notFound(type.name, "\(NameRules.printable(namespace))/\(NameRules.printable(slug))") }
            return JSONResponse.make(.array(packages.map { present($0, detailed: false) }))
        }
        api.get("artifact/:type/:namespace/:slug/:version") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            return JSONResponse.make(present(try await stored(context, workspace: workspace), detailed: true))
        }
        api.delete("artifact/:type/:namespace/:slug/:version") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let package = try await stored(context, workspace: workspace)
            if package.kind == .functions {
                let users = try await core.codePackages.list(workspaceID: workspace.id, kind: .workflow).filter { protocolPackage in
                    protocolPackage.manifest["steps"]?.arrayValue?.contains { $0["task"]?.stringValue == package.address } ?? false
                }
                if let first = users.first {
                    throw SlipwayError.conflict("task script \(package.address) is used by protocol \(first.address)"
                        + (users.count > 1 ? " and \(users.count - 1) more" : "") + "; delete those first")
                }
            }
            try await core.codePackages.delete(package)
            return JSONResponse.empty(.noContent)
        }
    }

    private func stored(_ context: SlipwayRequestContext, workspace: Workspace) async throws -> CodePackage {
        let type = try Self.artifactType(context)
        let namespace = try context.parameters.require("namespace")
        let slug = try context.parameters.require("slug")
        let version = try context.parameters.require("version")
        guard let package = try await core.codePackages.package(workspaceID: workspace.id, kind: type.kind, namespace: namespace,
                                                                 slug: slug, version: version) else {
            throw SlipwayError.notFound(type.name, "\(NameRules.printable(namespace))/\(NameRules.printable(slug))/\(NameRules.printable(version))")
        }
        return package
    }

    static func artifactType(_ context: SlipwayRequestContext) throws -> ArtifactType {
        let segment = try context.parameters.require("type")
        guard let type = ArtifactType(rawValue: segment) else {
            throw SlipwayError.notFound("artifact type", "\(NameRules.printable(segment)) (use task-scripts, master-scripts or ids)")
        }
        return type
    }

    /// The upload's namespace, slug and version, checked as TetraScience names them: the
    /// namespace is `private-<organization>` of the call's organization (another organization's
    /// is a 403), the slug lower-case words joined by single hyphens, the version `v` and
    /// semantic version numbers.
    static func address(_ context: SlipwayRequestContext, workspace: Workspace) throws -> (String, String, String) {
        let namespace = try context.parameters.require("namespace")
        let slug = try context.parameters.require("slug")
        let version = try context.parameters.require("version")
        guard isNamespace(namespace) else {
            throw SlipwayError.badRequest("namespace '\(NameRules.printable(namespace))' must be 'private-' followed by letters, "
                + "digits and single hyphens")
        }
        guard namespace == "private-\(workspace.name)" else {
            throw SlipwayError.forbidden("namespace '\(NameRules.printable(namespace))' is not this organization's: "
                + "uploads to organization '\(workspace.name)' use 'private-\(workspace.name)'")
        }
        guard isSlug(slug) else {
            throw SlipwayError.badRequest("slug '\(NameRules.printable(slug))' must be 1-128 lower-case letters and digits "
                + "in words joined by single hyphens")
        }
        guard isVersion(version) else {
            throw SlipwayError.badRequest("version '\(NameRules.printable(version))' must be 'v' and a semantic version, such as v1.0.0")
        }
        return (namespace, slug, version)
    }

    static func isNamespace(_ text: String) -> Bool {
        guard text.hasPrefix("private-"), text.count <= 128 else { return false }
        let rest = text.dropFirst("private-".count)
        return !rest.isEmpty && !rest.hasSuffix("-") && !rest.hasPrefix("-") && !rest.contains("--")
            && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    static func isSlug(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128 && !text.hasPrefix("-") && !text.hasSuffix("-") && !text.contains("--")
            && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    static func isVersion(_ text: String) -> Bool {
        guard text.hasPrefix("v"), text.count <= 64 else { return false }
        let body = text.dropFirst()
        let core = body.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = core[0].split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3, numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) && $0.allSatisfy(\.isASCII) }) else { return false }
        guard core.count == 2 else { return true }
        return !core[1].isEmpty && core[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
    }

    /// Reads and checks what the archive holds for its type.
    private func draft(_ type: ArtifactType, namespace: String, slug: String, version: String, bundle: StagedBundle,
                       workspace: Workspace) async throws -> CodePackageDraft {
        let files = Set(bundle.files)
        switch type {
        case .taskScripts:
            guard let text = try core.codePackages.readText(bundle, path: "config.json") else {
                throw SlipwayError.badRequest("the task script has no config.json at the root of its archive")
            }
            let config = try TaskScriptConfig.parse(text)
            guard files.contains("requirements.txt") else {
                throw SlipwayError.badRequest("the task script has no requirements.txt at the root of its archive (an empty one will do)")
            }
            for (index, function) in config.functions.enumerated() {
                let module = function.module.replacingOccurrences(of: ".", with: "/")
                guard files.contains("\(module).py") || files.contains("\(module)/__init__.py") else {
                    throw SlipwayError.badRequest("config.json: 'functions[\(index)].function' names module '\(function.module)', "
                        + "but the archive has no \(module).py")
                }
            }
            return CodePackageDraft(kind: .functions, namespace: namespace, slug: slug, version: version, manifest: config.manifest,
                                    pythonVersion: config.pythonVersion, requirementsPath: "requirements.txt",
                                    setupScriptPath: files.contains("init/before_install") ? "init/before_install" : nil)
        case .masterScripts:
            let path = ["protocol.yml", "protocol.yaml"].first { files.contains($0) }
            guard let path, let text = try core.codePackages.readText(bundle, path: path, limit: 512 << 10) else {
                if files.contains("protocol.json") || files.contains("script.js") {
                    throw SlipwayError.badRequest("v2 protocols (protocol.json with a script.js) are not supported: "
                        + "rewrite the protocol as a v3 protocol.yml")
                }
                throw SlipwayError.badRequest("the protocol has no protocol.yml at the root of its archive")
            }
            let definition = try ProtocolDefinition.parse(yaml: text)
            for (key, value) in [("namespace", namespace), ("slug", slug), ("version", version)] {
                if let named = definition.document[key]?.stringValue, named != value {
                    throw SlipwayError.badRequest("protocol.yml: '\(key)' is '\(NameRules.printable(named))' but the upload is for '\(value)'")
                }
            }
            try await checkTasks(of: definition, workspace: workspace)
            return CodePackageDraft(kind: .workflow, namespace: namespace, slug: slug, version: version, manifest: definition.manifest)
        case .ids:
            guard let text = try core.codePackages.readText(bundle, path: "schema.json", limit: 4 << 20) else {
                throw SlipwayError.badRequest("the IDS has no schema.json at the root of its archive")
            }
            guard let schema = try? JSONValue.parse(text), schema.objectValue != nil else {
                throw SlipwayError.badRequest("schema.json must be a JSON object (a JSON schema)")
            }
            return CodePackageDraft(kind: .schema, namespace: namespace, slug: slug, version: version, manifest: .object(["schema": schema]))
        }
    }

    /// Every step's task script must be stored in the organization (and not have failed its
    /// build), with the function the step names.
    private func checkTasks(of definition: ProtocolDefinition, workspace: Workspace) async throws {
        for (index, step) in definition.steps.enumerated() {
            let field = "protocol.yml: 'steps[\(index)].task'"
            guard let script = try await core.codePackages.package(workspaceID: workspace.id, kind: .functions, namespace: step.namespace,
                                                                    slug: step.slug, version: step.version) else {
                throw SlipwayError.badRequest("\(field): task script \(NameRules.printable(step.taskScriptAddress)) does not exist "
                    + "in organization '\(workspace.name)'")
            }
            guard script.status != .failed else {
                throw SlipwayError.badRequest("\(field): the build of task script \(script.address) failed; upload a working version")
            }
            let functions = script.manifest["functions"]?.objectValue ?? [:]
            guard functions[step.function] != nil else {
                throw SlipwayError.badRequest("\(field).function: task script \(script.address) has no function "
                    + "'\(NameRules.printable(step.function))' (it has: \(functions.keys.sorted().joined(separator: ", ")))")
            }
        }
    }

    static func build(_ package: CodePackage) -> JSONValue {
        var build: [String: JSONValue] = [
            "id": .string(package.id),
            "buildComplete": .bool(package.status != .pending),
            "buildStatus": .string(package.status == .pending ? "IN_PROGRESS" : package.status == .ready ? "SUCCEEDED" : "FAILED"),
        ]
        if let reason = package.failureReason { build["failureReason"] = .string(reason) }
        return .object(build)
    }

    func present(_ package: CodePackage, detailed: Bool) -> JSONValue {
        var shown: [String: JSONValue] = [
            "id": .string(package.id), "type": .string(ArtifactType(kind: package.kind).name),
            "namespace": .string(package.namespace), "slug": .string(package.slug), "version": .string(package.version),
            "sha256": .string(package.codeDigest), "size": .number(Double(package.sizeBytes)),
            "createdAt": package.createdAt.json, "updatedAt": package.updatedAt.json,
        ]
        switch package.kind {
        case .functions, .task:
            shown["build"] = Self.build(package)
            shown["runtime"] = package.pythonVersion.map { .string("python\($0)") } ?? .null
            shown["functions"] = .array((package.manifest["functions"]?.objectValue ?? [:]).keys.sorted().map { .string($0) })
            if detailed { shown["config"] = package.manifest["config"] ?? .null }
        case .workflow:
            let document = package.manifest["protocol"]
            shown["name"] = document?["name"] ?? .null
            shown["description"] = document?["description"] ?? .null
            if detailed { shown["protocol"] = document ?? .null }
        case .schema:
            if detailed { shown["schema"] = package.manifest["schema"] ?? .null }
        }
        return .object(shown)
    }
}
