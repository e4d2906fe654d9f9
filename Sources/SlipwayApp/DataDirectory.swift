import Foundation

/// Layout of a data directory and its long-lived secrets.
public struct DataDirectory: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var database: URL { root.appendingPathComponent("slipway.sqlite") }
    public var blobs: URL { root.appendingPathComponent("blobs") }
    public var code: URL { root.appendingPathComponent("code") }
    public var environments: URL { root.appendingPathComponent("environments") }
    public var runs: URL { root.appendingPathComponent("runs") }
    public var uploads: URL { root.appendingPathComponent("uploads") }
    /// Local copies of deployed model versions (exported from the blob store, unpacked).
    public var models: URL { root.appendingPathComponent("models") }
    public var adminTokenFile: URL { root.appendingPathComponent("admin-token") }
    /// The administrator's generated password (only when none was chosen on first start).
    public var adminPasswordFile: URL { root.appendingPathComponent("admin-password") }
    /// The confidential OAuth client's secret (unless `SLIPWAY_CLIENT_SECRET` is set).
    public var clientSecretFile: URL { root.appendingPathComponent("client-secret") }
    /// The RSA private key (PEM) that signs RS256 access tokens.
    public var rsaSigningKeyFile: URL { root.appendingPathComponent("rsa-signing-key.pem") }

    /// Creates the folders, private to the server's user, except that the unprivileged worker
    /// user (setup scripts run as it when the server runs as root) may pass through the data
    /// directory into code and environments: those three are searchable but not listable (0711).
    public func prepare() throws {
        for folder in [root, blobs, code, environments, runs, uploads] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        for folder in [root, code, environments] {
            try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: folder.path)
        }
    }

    /// The key `SecretSealer` seals secrets with (endpoint tokens, workspace secrets, connection
    /// details): a file of the data directory, apart from the database (mode 0600).
    public func sealingKey() throws -> Data {
        try secret(named: "endpoint-tokens.key")
    }

    /// A random 32-byte key kept in `name` (mode 0600), created on first use.
    public func secret(named name: String) throws -> Data {
        let file = root.appendingPathComponent(name)
        if let data = try? Data(contentsOf: file), data.count >= 32 { return data }
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try writePrivate(key, to: file)
        return key
    }

    /// The text kept in `file` (mode 0600, surrounding whitespace dropped), made by `create` and
    /// written on first use.
    public func privateText(at file: URL, create: () throws -> String) throws -> String {
        if let data = try? Data(contentsOf: file) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { return text }
        }
        let text = try create()
        try writePrivate(Data((text + "\n").utf8), to: file)
        return text
    }

    /// Writes a file readable by its owner only.
    public func writePrivate(_ data: Data, to file: URL) throws {
        let temporary = file.appendingPathExtension("tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        _ = rename(temporary.path, file.path)
    }
}
