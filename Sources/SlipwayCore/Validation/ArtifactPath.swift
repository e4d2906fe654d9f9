import Foundation

/// A path in a workspace's artifact tree: relative, `/`-separated, each component non-empty,
/// not `.` or `..`, without NUL, `\` or other control characters; at most 1024 bytes and 64
/// components. A trailing `/` is dropped (a folder named the way a client lists it).
public struct ArtifactPath: Sendable, Hashable, CustomStringConvertible {
    public let components: [String]

    public static let maxBytes = 1024
    public static let maxComponents = 64
    /// The empty path: the workspace's artifact root.
    public static let root = ArtifactPath(checked: [])

    private init(checked components: [String]) {
        self.components = components
    }

    /// Checks `text`; `allowRoot` accepts the empty path (listing the top).
    public init(_ text: String, allowRoot: Bool = false) throws(SlipwayError) {
        var trimmed = text
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.isEmpty {
            guard allowRoot, text.isEmpty else { throw Self.refused(text, "must not be empty") }
            self.init(checked: [])
            return
        }
        guard trimmed.utf8.count <= Self.maxBytes else { throw Self.refused(text, "is longer than \(Self.maxBytes) bytes") }
        guard !trimmed.hasPrefix("/") else { throw Self.refused(text, "must be relative, not absolute") }
        guard !trimmed.contains("\\") else { throw Self.refused(text, "must not contain '\\'") }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw Self.refused(text, "must not contain NUL or control characters")
        }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= Self.maxComponents else { throw Self.refused(text, "has more than \(Self.maxComponents) components") }
        for part in parts {
            guard !part.isEmpty else { throw Self.refused(text, "must not contain empty components ('//')") }
            guard part != ".", part != ".." else { throw Self.refused(text, "must not contain '.' or '..' components") }
        }
        if parts.first?.hasSuffix(":") == true { throw Self.refused(text, "must be a path, not a URI") }
        self.init(checked: parts)
    }

    public var isRoot: Bool { components.isEmpty }
    /// The folder the path is in (the root for a top-level name or the root itself).
    public var parent: ArtifactPath { ArtifactPath(checked: Array(components.dropLast())) }
    public var description: String { components.joined(separator: "/") }
    public var name: String { components.last ?? "" }

    public func appending(_ other: ArtifactPath) -> ArtifactPath { ArtifactPath(checked: components + other.components) }
    public func appending(component: String) throws(SlipwayError) -> ArtifactPath {
        try appending(ArtifactPath(component))
    }

    /// Whether `self` is `other` or inside it.
    public func isWithin(_ other: ArtifactPath) -> Bool {
        components.count >= other.components.count && Array(components.prefix(other.components.count)) == other.components
    }

    /// `self` relative to `base` (which it must be within).
    public func relative(to base: ArtifactPath) -> ArtifactPath {
        ArtifactPath(checked: Array(components.dropFirst(base.components.count)))
    }

    private static func refused(_ text: String, _ problem: String) -> SlipwayError {
        .badRequest("artifact path '\(NameRules.printable(text))' \(problem)")
    }
}
