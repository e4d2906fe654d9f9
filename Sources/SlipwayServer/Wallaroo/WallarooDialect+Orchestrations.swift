import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/orchestration/upload|list|get_by_id` (protocol reference §13.1–13.2, flow 8):
/// ML workload orchestrations, ZIP archives of Python code run as tasks.
///
/// The upload is `multipart/form-data` with the ZIP in `file` and `{"workspace_id": N}` in
/// `metadata` (a field, or a part with a filename as the seed sends it). The archive must hold a
/// `main.py` (at its root, else the shallowest one in a folder) and at most one
/// `requirements.txt`, which may not list the Wallaroo SDK. The answer is `{"id"}` at once; the
/// orchestration's environment is then packaged in the background, its `status` `packaging`,
/// `ready` or `error`, and `task_id` the packaging's id.
extension WallarooDialect {
    struct OrchestrationListBody: Decodable {
        var workspace_id: FlexibleInt
    }

    struct OrchestrationIDBody: Decodable {
        var id: String
    }

    struct OrchestrationMetadata: Decodable {
        var workspace_id: FlexibleInt
        var name: String?
    }

    /// Code packages of orchestrations are kept under this namespace of their workspace.
    static let orchestrationNamespace = "wallaroo-orchestrations"

    func registerOrchestrations(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("orchestration/upload") { request, context -> Response in
            let user = try context.wallarooUser()
            let form = try await orchestrationForms.read(request)
            defer { form.discardFiles() }
            let metadataText: String
            if let text = form.field("metadata") {
                metadataText = text
            } else if let part = form.files["metadata"] {
                guard part.size <= 64 * 1024, let data = FileManager.default.contents(atPath: part.url.path) else {
                    throw SlipwayError.badRequest("'metadata' must be a JSON object of at most 64 KiB")
                }
                metadataText = String(decoding: data, as: UTF8.self)
            } else {
                throw SlipwayError.badRequest("the upload has no 'metadata' part ({\"workspace_id\": …})")
            }
            let metadata = try Self.decode(OrchestrationMetadata.self, from: Data(metadataText.utf8), what: "metadata")
            guard let file = form.files["file"] else { throw SlipwayError.badRequest("the upload has no 'file' part with the ZIP archive") }
            let (workspace, _) = try await accounts.workspace(number: metadata.workspace_id.value, visibleTo: user)
            let bundle = try await core.codePackages.stage(zipArchive: file.url)
            let draft: CodePackageDraft
            do {
                let fileName = Self.baseName(file.fileName)
                let name = metadata.name ?? (fileName.lowercased().hasSuffix(".zip") ? String(fileName.dropLast(4)) : fileName)
                draft = try orchestrationDraft(bundle: bundle, name: name, fileName: fileName)
            } catch {
                core.codePackages.discard(bundle)
                throw error
            }
            let package = try await core.codePackages.create(draft, bundle: bundle, archive: file.url, workspace: workspace,
                                                             by: user.id, replace: false)
            return JSONResponse.make(.object(["id": .string(package.id)]))
        }
        api.post("orchestration/list") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(OrchestrationListBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let packages = try await core.codePackages.list(workspaceID: workspace.id, kind: .task, namespace: Self.orchestrationNamespace)
            var shown: [JSONValue] = []
            for package in packages { shown.append(try await presentOrchestration(package, workspace: workspace)) }
            return JSONResponse.make(.array(shown))
        }
        api.post("orchestration/get_by_id") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(OrchestrationIDBody.self)
            let (package, workspace) = try await orchestration(id: body.id, visibleTo: user)
            return JSONResponse.make(try await presentOrchestration(package, workspace: workspace))
        }
    }

    /// The orchestration `id` and its workspace, if the user may see that workspace (404 otherwise,
    /// as for a missing one).
    func orchestration(id: String, visibleTo user: User) async throws -> (CodePackage, Workspace) {
        guard UUID(uuidString: id) != nil, let package = try await core.codePackages.package(id: id),
              package.kind == .task, package.namespace == Self.orchestrationNamespace,
              let (workspace, _) = try? await accounts.workspace(id: package.workspaceID, visibleTo: user)
        else { throw SlipwayError.notFound("orchestration", NameRules.printable(id)) }
        return (package, workspace)
    }

    /// Checks the archive against §13.1 and describes it for the code-package service.
    func orchestrationDraft(bundle: StagedBundle, name: String, fileName: String) throws -> CodePackageDraft {
        guard let entry = Self.entryPoint(in: bundle.files) else {
            throw SlipwayError.badRequest("the orchestration has no main.py (at the root of the archive or in a folder)")
        }
        let requirements = bundle.files.filter { ($0 as NSString).lastPathComponent == "requirements.txt" }
        guard requirements.count <= 1 else {
            throw SlipwayError.badRequest("the orchestration has \(requirements.count) requirements.txt files; at most one is allowed")
        }
        if let path = requirements.first, let text = try core.codePackages.readText(bundle, path: path, limit: 1 << 20),
           let line = Self.wallarooRequirement(in: text) {
            throw SlipwayError.badRequest("requirements.txt must not list the Wallaroo SDK ('\(NameRules.printable(line))'): "
                + "tasks already have the wallaroo module")
        }
        return CodePackageDraft(kind: .task, namespace: Self.orchestrationNamespace, slug: UUID().uuidString.lowercased(), version: "1",
                                manifest: .object(["name": .string(name), "file_name": .string(fileName), "entry": .string(entry)]),
                                requirementsPath: requirements.first)
    }

    /// `main.py` at the root, else the shallowest `main.py` in a folder (by path among equals).
    static func entryPoint(in files: [String]) -> String? {
        files.filter { ($0 as NSString).lastPathComponent == "main.py" }
            .min { lhs, rhs in
                let (left, right) = (lhs.split(separator: "/").count, rhs.split(separator: "/").count)
                return left != right ? left < right : lhs < rhs
            }
    }

    /// The first requirement line naming the `wallaroo` distribution.
    static func wallarooRequirement(in requirements: String) -> String? {
        for raw in requirements.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix("-") else { continue }
            let name = line.prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            if name.lowercased().replacingOccurrences(of: "_", with: "-") == "wallaroo" { return String(line.prefix(100)) }
        }
        return nil
    }

    func presentOrchestration(_ package: CodePackage, workspace: Workspace) async throws -> JSONValue {
        let owner = try await accounts.user(id: package.createdBy)
        let status: String
        switch package.status {
        case .pending: status = "packaging"
        case .ready: status = "ready"
        case .failed: status = "error"
        }
        return .object([
            "id": .string(package.id), "sha": .string(package.codeDigest),
            "name": package.manifest["name"] ?? .null, "file_name": package.manifest["file_name"] ?? .null,
            "task_id": .string(package.id), "owner_id": owner.map { .string($0.id) } ?? .null,
            "status": .string(status), "workspace_id": .number(Double(workspace.number)),
            "created_at": .string(WallarooTimestamp.entity(package.createdAt)),
            "updated_at": .string(WallarooTimestamp.entity(package.updatedAt)),
        ])
    }
}
