import Foundation

/// A pattern over data-store object paths (`/`-separated, relative).
///
/// - `*` matches any run of characters within one segment, including none;
/// - `?` matches exactly one character within one segment;
/// - `**` as a whole segment matches any number of whole segments, including none
///   (`a/**/b` matches `a/b` and `a/x/y/b`; `a/**` matches `a` and everything under it;
///   `**` alone matches every path); elsewhere
///   (`a**b`) it means the same as `*`;
/// - `\` makes the next character literal (`\*` matches `*`);
/// - any other character matches itself (canonically equivalent characters are equal, as
///   for `String ==`). Hidden files get no special treatment.
///
/// A pattern is 1–1024 bytes, relative, without empty, `.` or `..` segments or control
/// characters, and does not end with `\`.
public struct GlobPattern: ValidatedString {
    public let pattern: String
    private let segments: [Segment]

    private enum Segment: Sendable, Hashable {
        /// `**`
        case anyDepth
        case tokens([Token])
    }

    private enum Token: Sendable, Hashable {
        case literal(Character)
        case anyCharacter
        case anyRun
    }

    public init(_ pattern: String) throws(SlipwayError) {
        func refuse(_ reason: String) -> SlipwayError {
            .badRequest("glob '\(NameRules.printable(pattern))' is invalid: \(reason)",
                        details: .object(["glob": .string(NameRules.printable(pattern, limit: 1024))]))
        }
        guard !pattern.isEmpty, pattern.utf8.count <= 1024 else { throw refuse("it must be 1 to 1024 bytes") }
        guard !pattern.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw refuse("it must not contain control characters")
        }
        guard !pattern.hasPrefix("/") else { throw refuse("it must be relative (no leading '/')") }
        var segments: [Segment] = []
        for raw in pattern.split(separator: "/", omittingEmptySubsequences: false) {
            guard !raw.isEmpty else { throw refuse("it must not contain empty segments") }
            guard raw != ".", raw != ".." else { throw refuse("it must not contain '.' or '..' segments") }
            if raw == "**" {
                if segments.last != .anyDepth { segments.append(.anyDepth) }
                continue
            }
            var tokens: [Token] = []
            var escaped = false
            for character in raw {
                if escaped {
                    tokens.append(.literal(character))
                    escaped = false
                    continue
                }
                switch character {
                case "\\": escaped = true
                case "?": tokens.append(.anyCharacter)
                case "*": if tokens.last != .anyRun { tokens.append(.anyRun) }
                default: tokens.append(.literal(character))
                }
            }
            guard !escaped else { throw refuse("it must not end with '\\'") }
            segments.append(.tokens(tokens))
        }
        self.pattern = pattern
        self.segments = segments
    }

    public var description: String { pattern }

    /// Whether `path` (relative, `/`-separated) matches the whole pattern.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(Array.init)
        return Self.match(segments, parts, isWildcard: { $0 == .anyDepth }) { segment, part in
            guard case .tokens(let tokens) = segment else { return false }
            return Self.match(tokens, part, isWildcard: { $0 == .anyRun }) { token, character in
                switch token {
                case .literal(let literal): literal == character
                case .anyCharacter: true
                case .anyRun: false
                }
            }
        }
    }

    /// Wildcard matching of `items` against `pattern`, where a wildcard element matches any run
    /// of items and every other element matches exactly one item when `matchesOne` says so.
    /// Greedy with one back-track point, which is exact when every other element matches exactly
    /// one item: O(n·m) at worst.
    private static func match<P, I>(_ pattern: [P], _ items: [I], isWildcard: (P) -> Bool,
                                    matchesOne: (P, I) -> Bool) -> Bool {
        var p = 0
        var i = 0
        var resumePattern: Int?
        var resumeItem = 0
        while i < items.count {
            if p < pattern.count, isWildcard(pattern[p]) {
                resumePattern = p + 1
                resumeItem = i
                p += 1
            } else if p < pattern.count, matchesOne(pattern[p], items[i]) {
                p += 1
                i += 1
            } else if let resume = resumePattern {
                resumeItem += 1
                p = resume
                i = resumeItem
            } else {
                return false
            }
        }
        while p < pattern.count, isWildcard(pattern[p]) { p += 1 }
        return p == pattern.count
    }
}
