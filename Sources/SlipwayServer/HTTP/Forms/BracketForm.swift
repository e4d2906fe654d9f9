import SlipwayCore

/// Decodes PHP/qs-style bracket-notation form fields into a JSON tree.
///
/// The Python SDK flattens nested values into keys such as `inputs[0][name]`,
/// `container_config[included_folders][0]` or `inputs[1][default_value][x][0]`; every leaf is
/// a string (`True`/`False` for booleans, `""` for None) and empty lists/dicts are absent.
///
/// Rules: `a[b][c]` nests objects; a container whose keys are all canonical non-negative
/// integers (`0`, `1`, `17`, not `01`) becomes an array ordered by index (gaps are compacted);
/// any non-numeric key at a level makes it an object; `a[]` appends (the next index after the
/// largest one so far). Leaves are `.string`. A repeated key replaces the earlier value (last
/// wins). The top level is always an object.
public enum BracketForm {
    /// Default limit on the number of bracket segments in one key.
    public static let defaultMaxDepth = 32

    /// One segment of a parsed field name.
    public enum Segment: Sendable, Hashable {
        /// A named (or numeric) key: `name`, `[name]`, `[0]`.
        case key(String)
        /// `[]`: append after the largest index so far.
        case append
    }

    /// Builds a JSON object from ordered `(name, value)` fields (urlencoded or multipart text
    /// fields alike).
    /// - Throws: ``FormError`` for malformed names (naming the field), names nested deeper than
    ///   `maxDepth`, or a name used both as a value and as a container (`a=1&a[b]=2`).
    public static func decode(_ fields: [(String, String)], maxDepth: Int = defaultMaxDepth) throws -> JSONValue {
        let root = Node()
        for (name, value) in fields {
            let segments = try parseKey(name, maxDepth: maxDepth)
            try root.insert(segments, value: value, key: name)
        }
        return root.json(topLevel: true)
    }

    /// Parses an `application/x-www-form-urlencoded` body and decodes it (see ``decode(_:maxDepth:)``).
    public static func decode(
        urlEncoded body: some Sequence<UInt8>, maxFields: Int = URLEncodedForm.defaultMaxFields,
        maxDepth: Int = defaultMaxDepth
    ) throws -> JSONValue {
        try decode(URLEncodedForm.parse(body, maxFields: maxFields), maxDepth: maxDepth)
    }

    /// Splits a field name into segments: `a[b][]` → `[.key("a"), .key("b"), .append]`.
    /// - Throws: ``FormError`` if the name is empty, malformed (`a[b`, `a]`, `[x]`, `a[b]c`,
    ///   `a[][b]`) or has more than `maxDepth` bracket segments.
    public static func parseKey(_ key: String, maxDepth: Int = defaultMaxDepth) throws -> [Segment] {
        guard !key.isEmpty else { throw FormError.emptyKey }
        guard let open = key.firstIndex(of: "[") else {
            if key.contains("]") { throw FormError.malformedKey(key, "unexpected ']'") }
            return [.key(key)]
        }
        let base = key[..<open]
        if base.isEmpty { throw FormError.malformedKey(key, "it starts with '[' instead of a name") }
        if base.contains("]") { throw FormError.malformedKey(key, "unexpected ']'") }

        var segments: [Segment] = [.key(String(base))]
        var rest = key[open...]
        while let first = rest.first {
            guard first == "[" else { throw FormError.malformedKey(key, "unexpected text after ']'") }
            guard let close = rest.firstIndex(of: "]") else { throw FormError.malformedKey(key, "missing ']'") }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            if inner.contains("[") { throw FormError.malformedKey(key, "unexpected '[' inside brackets") }
            if segments.last == .append { throw FormError.malformedKey(key, "'[]' is only allowed at the end") }
            segments.append(inner.isEmpty ? .append : .key(String(inner)))
            if segments.count - 1 > maxDepth { throw FormError.tooDeep(key, limit: maxDepth) }
            rest = rest[rest.index(after: close)...]
        }
        return segments
    }

    /// A canonical array index: digits only, no leading zero (except `0` itself), fits in Int.
    static func index(_ key: String) -> Int? {
        let utf8 = key.utf8
        guard let first = utf8.first, utf8.count <= 18,
            utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            first != UInt8(ascii: "0") || utf8.count == 1
        else { return nil }
        return Int(key)
    }

    /// Mutable tree used while decoding.
    private final class Node {
        var leaf: String?
        var children: [String: Node] = [:]
        var maxIndex = -1

        init(leaf: String? = nil) { self.leaf = leaf }

        func insert(_ segments: [Segment], value: String, key: String) throws {
            var node = self
            var shown = ""
            for (position, segment) in segments.enumerated() {
                let name: String
                switch segment {
                case .key(let text): name = text
                case .append: name = String(node.maxIndex + 1)
                }
                shown = position == 0 ? name : shown + "[\(name)]"
                if let index = BracketForm.index(name) { node.maxIndex = max(node.maxIndex, index) }

                let isLast = position == segments.count - 1
                if isLast {
                    if let existing = node.children[name], existing.leaf == nil {
                        throw FormError.leafAndParent(key, shown)
                    }
                    node.children[name] = Node(leaf: value)
                } else if let existing = node.children[name] {
                    if existing.leaf != nil { throw FormError.leafAndParent(key, shown) }
                    node = existing
                } else {
                    let child = Node()
                    node.children[name] = child
                    node = child
                }
            }
        }

        func json(topLevel: Bool = false) -> JSONValue {
            if let leaf { return .string(leaf) }
            if !topLevel {
                let indexed = children.compactMap { key, node in BracketForm.index(key).map { ($0, node) } }
                if indexed.count == children.count {
                    return .array(indexed.sorted { $0.0 < $1.0 }.map { $0.1.json() })
                }
            }
            return .object(children.mapValues { $0.json() })
        }
    }
}
