import Foundation

/// How a step's code is packaged and which environment it runs in.
public struct ContainerConfig: Sendable, Equatable, Codable {
    /// e.g. `python:3.11-slim`.
    public var language: String?
    public var repositoryURL: String?
    public var repositoryBranch: String?
    public var requirementsPath: String?
    public var includedFolders: [String]?
    public var systemDependencies: [String]?
    public var dockerfilePath: String?

    public init(language: String? = nil, repositoryURL: String? = nil, repositoryBranch: String? = nil,
                requirementsPath: String? = nil, includedFolders: [String]? = nil,
                systemDependencies: [String]? = nil, dockerfilePath: String? = nil) {
        self.language = language
        self.repositoryURL = repositoryURL
        self.repositoryBranch = repositoryBranch
        self.requirementsPath = requirementsPath
        self.includedFolders = includedFolders
        self.systemDependencies = systemDependencies
        self.dockerfilePath = dockerfilePath
    }

    /// The Python version (`major.minor`) named by `language`, or nil when it is not a Python image.
    public static func pythonVersion(fromLanguage language: String) -> String? {
        // Accepted spellings: python:3.11-slim, python:3.11, python3.11, 3.11
        var text = language.lowercased()
        for prefix in ["python:", "python"] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
            break
        }
        if let dash = text.firstIndex(of: "-") {
            let suffix = text[dash...]
            guard suffix == "-slim" || suffix == "-bookworm" || suffix == "-slim-bookworm" else { return nil }
            text = String(text[..<dash])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        return "\(parts[0]).\(parts[1])"
    }
}
