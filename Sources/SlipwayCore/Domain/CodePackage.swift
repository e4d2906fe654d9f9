import Foundation

/// A versioned code archive of a workspace, addressed by (kind, namespace, slug, version): a
/// library of functions that workflow steps call, a workflow definition, a data schema, or a
/// task's program. Packages that run code get a Python environment built from their
/// requirements (and their setup script); the others are ready as soon as they are stored.
///
/// Versions are immutable: storing the same address again is refused unless the caller
/// replaces it explicitly, and a replacement is a new package (new id, new build).
public struct CodePackage: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Named functions in Python modules (with a Python environment).
        case functions
        /// A workflow definition: steps that call functions of `functions` packages.
        case workflow
        /// A data schema.
        case schema
        /// A program run as a task (with a Python environment).
        case task

        /// Whether packages of this kind get a Python environment.
        public var hasEnvironment: Bool { self == .functions || self == .task }
    }

    public var id: String
    public var workspaceID: String
    public var kind: Kind
    public var namespace: String
    public var slug: String
    public var version: String
    /// SHA-256 of the uploaded archive, hex.
    public var codeDigest: String
    public var sizeBytes: Int
    /// Blob holding the archive as uploaded.
    public var archiveBlob: String
    /// The validated descriptor the dialect read from the archive (its functions, steps,
    /// runtime…), kept so that readers need not open the archive.
    public var manifest: JSONValue
    /// Python `major.minor` of the environment (packages with an environment only).
    public var pythonVersion: String?
    /// The requirements file and the setup script in the code, when there are (packages with
    /// an environment only).
    public var requirementsPath: String?
    public var setupScriptPath: String?
    public var status: CreationStatus
    public var environmentKey: String?
    /// Why the build failed (status `failed` only).
    public var failureReason: String?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date

    public init(id: String, workspaceID: String, kind: Kind, namespace: String, slug: String, version: String,
                codeDigest: String, sizeBytes: Int, archiveBlob: String, manifest: JSONValue, pythonVersion: String?,
                requirementsPath: String? = nil, setupScriptPath: String? = nil, status: CreationStatus, environmentKey: String? = nil, failureReason: String? = nil,
                createdAt: Date, createdBy: String, updatedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.namespace = namespace
        self.slug = slug
        self.version = version
        self.codeDigest = codeDigest
        self.sizeBytes = sizeBytes
        self.archiveBlob = archiveBlob
        self.manifest = manifest
        self.pythonVersion = pythonVersion
        self.requirementsPath = requirementsPath
        self.setupScriptPath = setupScriptPath
        self.status = status
        self.environmentKey = environmentKey
        self.failureReason = failureReason
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
    }

    /// `namespace/slug/version`, as workflow steps name packages.
    public var address: String { "\(namespace)/\(slug)/\(version)" }
}
