import Foundation

/// Which new data-store files start a file pipeline's workflow: tests on the file's path,
/// category, labels and metadata, combined with all/any.
public indirect enum FileCondition: Sendable, Equatable {
    case all([FileCondition])
    case any([FileCondition])
    /// The whole path matches the glob.
    case path(GlobPattern)
    /// The category equals this (case-sensitively).
    case category(String)
    /// The file carries a label of this name (with this value, when one is given).
    case label(name: String, value: String?)
    /// The metadata entry has this value.
    case metadata(key: String, value: String)

    public func matches(path: String, attributes: FileAttributes) -> Bool {
        switch self {
        case .all(let conditions): conditions.allSatisfy { $0.matches(path: path, attributes: attributes) }
        case .any(let conditions): conditions.contains { $0.matches(path: path, attributes: attributes) }
        case .path(let glob): glob.matches(path)
        case .category(let category): attributes.category == category
        case .label(let name, let value): attributes.labels.contains { $0.name == name && (value == nil || $0.value == value) }
        case .metadata(let key, let value): attributes.metadata[key] == value
        }
    }

    /// The longest folder every matching path lies in ("" when any path can match): a scan for
    /// files that arrived unnoticed lists only that folder.
    public var folder: String {
        switch self {
        case .path(let glob): Self.literalFolder(of: glob.pattern)
        case .all(let conditions):
            conditions.map(\.folder).max { $0.count < $1.count } ?? ""
        case .any(let conditions):
            conditions.isEmpty ? "" : Self.commonFolder(conditions.map(\.folder))
        case .category, .label, .metadata: ""
        }
    }

    /// Conditions nest at most this deep and hold at most `maximumTests` tests.
    public static let maximumDepth = 4
    public static let maximumTests = 50

    public func validate() throws(SlipwayError) {
        var tests = 0
        try validate(depth: 1, tests: &tests)
    }

    private func validate(depth: Int, tests: inout Int) throws(SlipwayError) {
        guard depth <= Self.maximumDepth else { throw .badRequest("trigger conditions nest at most \(Self.maximumDepth) deep") }
        switch self {
        case .all(let conditions), .any(let conditions):
            guard !conditions.isEmpty else { throw .badRequest("a trigger condition group needs at least one condition") }
            for condition in conditions { try condition.validate(depth: depth + 1, tests: &tests) }
        case .path, .category, .label, .metadata:
            tests += 1
            guard tests <= Self.maximumTests else { throw .badRequest("a trigger has at most \(Self.maximumTests) conditions") }
        }
    }

    /// The folders before the first segment holding a wildcard or an escape, with a trailing `/`.
    static func literalFolder(of pattern: String) -> String {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false)
        var folder = ""
        for segment in segments.dropLast() {
            guard !segment.contains(where: { "*?\\".contains($0) }) else { break }
            folder += segment + "/"
        }
        return folder
    }

    static func commonFolder(_ folders: [String]) -> String {
        guard var common = folders.first else { return "" }
        for folder in folders.dropFirst() {
            while !folder.hasPrefix(common) {
                let trimmed = common.dropLast()
                common = trimmed.lastIndex(of: "/").map { String(trimmed[...$0]) } ?? ""
            }
        }
        return common
    }
}
