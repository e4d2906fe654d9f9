import Foundation

/// What a dialect read and validated from an uploaded package, for ``CodePackageService``.
public struct CodePackageDraft: Sendable, Equatable {
    public var kind: CodePackage.Kind
    public var namespace: String
    public var slug: String
    public var version: String
    public var manifest: JSONValue
    /// Packages with an environment: its Python `major.minor` (nil: the server's default), the
    /// requirements file and the setup script in the code, when there are.
    public var pythonVersion: String?
    public var requirementsPath: String?
    public var setupScriptPath: String?

    public init(kind: CodePackage.Kind, namespace: String, slug: String, version: String, manifest: JSONValue,
                pythonVersion: String? = nil, requirementsPath: String? = nil, setupScriptPath: String? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.slug = slug
        self.version = version
        self.manifest = manifest
        self.pythonVersion = pythonVersion
        self.requirementsPath = requirementsPath
        self.setupScriptPath = setupScriptPath
    }
}
