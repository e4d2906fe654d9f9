import Foundation

/// Storing versioned code packages and building the environments of those that run code.
///
/// An upload is staged (unpacked and checked) first; the dialect reads its descriptor from the
/// staged files and validates it; only then is it stored, its code installed and its build
/// started. A failed validation stores nothing. The build's log is kept under the package
/// (``LogSubject/codePackage(_:)``) and can be read while it runs.
public struct CodePackageService: Sendable {
    let platform: Platform

    public init(platform: Platform) {
        self.platform = platform
    }

    /// Unpacks a ZIP upload into a staging folder.
    public func stage(zipArchive: URL) async throws -> StagedBundle {
        let size = (try? zipArchive.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        guard size <= platform.limits.maxCodePackageBytes else {
            throw SlipwayError.tooLarge("the archive is \(size) bytes; the limit is \(platform.limits.maxCodePackageBytes) bytes")
        }
        return try await platform.bundles.stage(zipArchive: zipArchive)
    }

    /// A staged text file (at most `limit` bytes), nil when the archive has none at `path`.
    public func readText(_ bundle: StagedBundle, path: String, limit: Int = 1 << 20) throws -> String? {
        try platform.bundles.readText(bundle, path: path, limit: limit)
    }

    public func discard(_ bundle: StagedBundle) {
        platform.bundles.discard(bundle)
    }

    /// Stores the staged package (taking the staged folder) and starts its build. Its address
    /// must be free unless `replace`, which removes the stored version (its code, archive and
    /// build log) once the new one is stored.
    public func create(_ draft: CodePackageDraft, bundle: StagedBundle, archive: URL, workspace: Workspace,
                       by userID: String, replace: Bool) async throws -> CodePackage {
        do {
            var pythonVersion: String?
            if draft.kind.hasEnvironment {
                let version = draft.pythonVersion ?? platform.environments.defaultPythonVersion
                try await platform.environments.validate(EnvironmentSpec(pythonVersion: version, requirements: "", systemDependencies: []))
                pythonVersion = version
                for path in [draft.requirementsPath, draft.setupScriptPath].compactMap({ $0 }) where !bundle.files.contains(path) {
                    throw SlipwayError.badRequest("'\(NameRules.printable(path))' is not in the uploaded archive")
                }
            }
            if !replace, try await platform.store.codePackage(
                workspaceID: workspace.id, kind: draft.kind, namespace: draft.namespace, slug: draft.slug, version: draft.version) != nil {
                throw SlipwayError.conflict("\(draft.namespace)/\(draft.slug)/\(draft.version) already exists; "
                    + "versions are immutable unless replaced (force)")
            }
            let digest = try StepService.sha256(of: archive)
            let blob = try await platform.blobs.importFile(at: archive)
            let now = platform.now()
            let package = CodePackage(
                id: UUID().uuidString.lowercased(), workspaceID: workspace.id, kind: draft.kind, namespace: draft.namespace,
                slug: draft.slug, version: draft.version, codeDigest: digest, sizeBytes: Int(blob.size),
                archiveBlob: blob.key, manifest: draft.manifest, pythonVersion: pythonVersion,
                requirementsPath: draft.requirementsPath, setupScriptPath: draft.setupScriptPath,
                status: draft.kind.hasEnvironment ? .pending : .ready, createdAt: now, createdBy: userID)
            try platform.bundles.install(bundle, packageID: package.id)
            let replaced: CodePackage?
            do {
                replaced = try await platform.store.insertCodePackage(package, replace: replace)
            } catch {
                platform.bundles.remove(packageID: package.id)
                try? await platform.blobs.delete(blob.key)
                throw error
            }
            if let replaced { await removeFiles(of: replaced) }
            if package.status == .pending { startBuild(package) }
            return package
        } catch {
            platform.bundles.discard(bundle)
            throw error
        }
    }

    public func package(id: String, workspaceID: String) async throws -> CodePackage {
        guard let package = try await platform.store.codePackage(id: id), package.workspaceID == workspaceID else {
            throw SlipwayError.notFound("build", id)
        }
        return package
    }

    /// Any workspace's package: for dialects that check access themselves.
    public func package(id: String) async throws -> CodePackage? {
        try await platform.store.codePackage(id: id)
    }

    public func package(workspaceID: String, kind: CodePackage.Kind, namespace: String, slug: String,
                        version: String) async throws -> CodePackage? {
        try await platform.store.codePackage(workspaceID: workspaceID, kind: kind, namespace: namespace, slug: slug, version: version)
    }

    public func list(workspaceID: String, kind: CodePackage.Kind, namespace: String? = nil,
                     slug: String? = nil) async throws -> [CodePackage] {
        try await platform.store.codePackages(workspaceID: workspaceID, kind: kind, namespace: namespace, slug: slug)
    }

    /// The build log so far, from line `offset` on (at most `limit` lines).
    public func buildLog(of package: CodePackage, offset: Int, limit: Int = 1000) async throws -> [LogLine] {
        let lines = try await platform.store.logs(subject: .codePackage(package.id), query: LogQuery())
        guard offset < lines.count else { return [] }
        return Array(lines[offset..<min(lines.count, offset + limit)])
    }

    /// The folder the package's code is installed in.
    public func codeDirectory(of package: CodePackage) -> URL {
        platform.bundles.codeDirectory(packageID: package.id)
    }

    /// Deletes the package with its code, archive and build log.
    public func delete(_ package: CodePackage) async throws {
        guard try await platform.store.deleteCodePackage(id: package.id) else { throw SlipwayError.notFound("package", package.address) }
        await removeFiles(of: package)
    }

    /// Restarts builds interrupted by a shutdown.
    public func resumePendingBuilds() async throws {
        for package in try await platform.store.pendingCodePackages() {
            try? await platform.store.deleteLogs(subject: .codePackage(package.id))
            startBuild(package)
        }
    }

    private func removeFiles(of package: CodePackage) async {
        platform.bundles.remove(packageID: package.id)
        try? await platform.blobs.delete(package.archiveBlob)
        try? await platform.store.deleteLogs(subject: .codePackage(package.id))
    }

    /// Builds (or reuses) the package's environment in the background, then marks it ready or failed.
    func startBuild(_ package: CodePackage) {
        let platform = self.platform
        Task {
            let log = LogBuffer(store: platform.store, subject: .codePackage(package.id))
            let outcome: (CreationStatus, String?, String?)
            do {
                let spec = try Self.environmentSpec(for: package, platform: platform)
                log.add(LogLine(timestamp: platform.now(), stream: .system, message: "Building Python \(spec.pythonVersion) environment"))
                let handle = try await platform.environments.ensure(spec) { line in
                    log.add(LogLine(timestamp: Date(), stream: .stdout, message: line))
                }
                log.add(LogLine(timestamp: platform.now(), stream: .system, message: "Environment \(handle.key.prefix(12)) ready"))
                outcome = (.ready, handle.key, nil)
            } catch {
                let reason = (error as? SlipwayError)?.message ?? "the environment could not be built"
                log.add(LogLine(timestamp: platform.now(), stream: .stderr, message: "Build failed: \(reason)"))
                outcome = (.failed, nil, reason)
            }
            await log.flush()
            _ = try? await platform.store.updateCodePackageStatus(id: package.id, from: .pending, to: outcome.0, environmentKey: outcome.1,
                                                                  failureReason: outcome.2, at: platform.now())
            platform.signals.signal("code-package:\(package.id)")
        }
    }

    static func environmentSpec(for package: CodePackage, platform: Platform) throws -> EnvironmentSpec {
        let code = platform.bundles.codeDirectory(packageID: package.id)
        func text(_ path: String?) throws -> String? {
            guard let path else { return nil }
            guard let text = try? String(contentsOf: code.appendingPathComponent(path), encoding: .utf8) else {
                throw SlipwayError.badRequest("'\(NameRules.printable(path))' is not UTF-8 text")
            }
            return text
        }
        let setup = try text(package.setupScriptPath).map {
            EnvironmentSetup(script: $0, workingDirectory: code, codeDigest: package.codeDigest)
        }
        return EnvironmentSpec(pythonVersion: package.pythonVersion ?? platform.environments.defaultPythonVersion,
                               requirements: try text(package.requirementsPath) ?? "", systemDependencies: [], setup: setup)
    }
}
