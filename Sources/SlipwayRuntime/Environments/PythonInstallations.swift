import Foundation

/// The Python interpreters installed on this machine, by `major.minor` version.
public struct PythonInstallations: Sendable {
    /// version → interpreter path (a real binary, never a shim).
    public let interpreters: [String: String]
    /// version → an interpreter that other users can run too (not under a private home folder),
    /// for environments whose setup script runs as the unprivileged worker user.
    public let sharedInterpreters: [String: String]
    /// Oldest version the worker supports.
    public static let minimumVersion = (3, 9)

    public init(interpreters: [String: String], sharedInterpreters: [String: String]? = nil) {
        self.interpreters = interpreters
        self.sharedInterpreters = sharedInterpreters ?? interpreters.filter { Self.othersCanRun($0.value) }
    }

    /// Looks in `SLIPWAY_PYTHONS` (colon-separated interpreter paths), pyenv's versions folder,
    /// and the usual system folders.
    public static func discover(environment: [String: String] = ProcessInfo.processInfo.environment) -> PythonInstallations {
        var found: [String: String] = [:]
        var shared: [String: String] = [:]
        let fileManager = FileManager.default
        func consider(_ path: String) {
            let name = (path as NSString).lastPathComponent
            guard name.hasPrefix("python3."), let version = versionString(name.dropFirst("python".count)),
                  found[version] == nil || shared[version] == nil, fileManager.isExecutableFile(atPath: path), isSupported(version)
            else { return }
            let resolved = (path as NSString).resolvingSymlinksInPath
            if found[version] == nil { found[version] = resolved }
            if shared[version] == nil, othersCanRun(resolved) { shared[version] = resolved }
        }
        for path in (environment["SLIPWAY_PYTHONS"] ?? "").split(separator: ":") {
            let text = String(path)
            let name = (text as NSString).lastPathComponent
            if let version = versionString(name.dropFirst("python".count)), found[version] == nil,
               fileManager.isExecutableFile(atPath: text) {
                found[version] = text
                if othersCanRun(text) { shared[version] = text }
            }
        }
        let pyenvRoot = environment["PYENV_ROOT"] ?? (NSHomeDirectory() + "/.pyenv")
        let versions = ((try? fileManager.contentsOfDirectory(atPath: pyenvRoot + "/versions")) ?? []).sorted()
        for version in versions {
            let bin = "\(pyenvRoot)/versions/\(version)/bin"
            for entry in ((try? fileManager.contentsOfDirectory(atPath: bin)) ?? []).sorted() { consider("\(bin)/\(entry)") }
        }
        for folder in ["/usr/local/bin", "/usr/bin"] {
            for entry in ((try? fileManager.contentsOfDirectory(atPath: folder)) ?? []).sorted() { consider("\(folder)/\(entry)") }
        }
        return PythonInstallations(interpreters: found, sharedInterpreters: shared)
    }

    /// Whether users other than the file's owner may run it: the file and every folder above
    /// it are open to others.
    static func othersCanRun(_ path: String) -> Bool {
        var current = path
        var info = stat()
        guard stat(current, &info) == 0, info.st_mode & S_IXOTH != 0 else { return false }
        while current != "/", !current.isEmpty {
            current = (current as NSString).deletingLastPathComponent
            guard stat(current, &info) == 0, info.st_mode & S_IXOTH != 0 else { return false }
        }
        return true
    }

    /// `major.minor` from text such as `3.11`, `3.11.7` (nil for `3.11-config`).
    static func versionString(_ text: Substring) -> String? {
        let parts = text.split(separator: ".")
        guard parts.count >= 2, parts.count <= 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        return "\(parts[0]).\(parts[1])"
    }

    static func isSupported(_ version: String) -> Bool {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 2 else { return false }
        return (parts[0], parts[1]) >= minimumVersion
    }

    /// Versions sorted oldest first.
    public var versions: [String] {
        interpreters.keys.sorted { lhs, rhs in
            lhs.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(rhs.split(separator: ".").compactMap { Int($0) })
        }
    }

    /// 3.11 when present (the common data-science baseline), else the newest.
    public var defaultVersion: String? {
        interpreters["3.11"] != nil ? "3.11" : versions.last
    }
}
