import Foundation

/// The Python interpreters installed on this machine, by `major.minor` version.
public struct PythonInstallations: Sendable {
    /// version → interpreter path (a real binary, never a shim).
    public let interpreters: [String: String]
    /// Oldest version the worker supports.
    public static let minimumVersion = (3, 9)

    public init(interpreters: [String: String]) {
        self.interpreters = interpreters
    }

    /// Looks in `SLIPWAY_PYTHONS` (colon-separated interpreter paths), pyenv's versions folder,
    /// and the usual system folders.
    public static func discover(environment: [String: String] = ProcessInfo.processInfo.environment) -> PythonInstallations {
        var found: [String: String] = [:]
        let fileManager = FileManager.default
        func consider(_ path: String) {
            let name = (path as NSString).lastPathComponent
            guard name.hasPrefix("python3."), let version = versionString(name.dropFirst("python".count)),
                  found[version] == nil, fileManager.isExecutableFile(atPath: path), isSupported(version)
            else { return }
            found[version] = (path as NSString).resolvingSymlinksInPath
        }
        for path in (environment["SLIPWAY_PYTHONS"] ?? "").split(separator: ":") {
            let text = String(path)
            let name = (text as NSString).lastPathComponent
            if let version = versionString(name.dropFirst("python".count)), found[version] == nil,
               fileManager.isExecutableFile(atPath: text) {
                found[version] = text
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
        return PythonInstallations(interpreters: found)
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
