/// Pure safety rules for link entries of an archive extracted under a root directory.
public enum ArchiveLinkPolicy {
    /// Whether a symbolic link stored at `entryPath` pointing to `target` stays inside the root.
    ///
    /// The target must be relative, non-empty, free of NUL bytes and at most
    /// ``ArchivePath/maxLength`` bytes; resolved lexically from the link's directory it may
    /// never climb above the root (even temporarily, as in `../root/x`). `entryPath` must itself
    /// be a valid ``ArchivePath``. Chains through other links are checked by ``ArchiveValidator``.
    public static func isSafeSymlink(entryPath: String, target: String) -> Bool {
        resolvedSymlinkTarget(entryPath: entryPath, target: target) != nil
    }

    /// The root-relative path a safe symbolic link points to (`""` for the root itself),
    /// or nil if the link is unsafe (see ``isSafeSymlink(entryPath:target:)``).
    public static func resolvedSymlinkTarget(entryPath: String, target: String) -> String? {
        guard let path = try? ArchivePath(entryPath), !path.isRoot else { return nil }
        guard let components = resolve(target: target, from: path.parentComponents) else { return nil }
        return components.joined(separator: "/")
    }

    /// Whether a hard link to `target` is acceptable: `target` must be a valid path naming a
    /// regular file that appeared earlier in the archive (`earlierRegularFiles` holds
    /// normalised paths, as produced by ``ArchivePath/string``).
    public static func isSafeHardLink(target: String, earlierRegularFiles: Set<String>) -> Bool {
        guard let path = try? ArchivePath(target), !path.isRoot else { return false }
        return earlierRegularFiles.contains(path.string)
    }

    // MARK: - Internals

    /// Splits a link target into raw components, rejecting unusable targets.
    static func targetComponents(_ target: String) -> [String]? {
        guard !target.isEmpty, !target.hasPrefix("/"), !target.utf8.contains(0),
            target.utf8.count <= ArchivePath.maxLength
        else { return nil }
        return target.split(separator: "/", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { $0 != "." }
    }

    /// Lexically resolves `target` from the directory `base`; nil if it climbs above the root.
    static func resolve(target: String, from base: ArraySlice<String>) -> [String]? {
        guard let parts = targetComponents(target) else { return nil }
        var stack = Array(base)
        for part in parts {
            if part == ".." {
                if stack.isEmpty { return nil }
                stack.removeLast()
            } else {
                stack.append(part)
            }
        }
        return stack
    }

    enum ChainResult: Equatable {
        case inside
        case escapes
        case loop
    }

    /// Follows `components` (root-relative, possibly containing `..`) through the archive's
    /// symbolic links — `links` maps a link's normalised path to its directory components
    /// followed by its raw target components — and reports whether resolution ever leaves
    /// the root. More than 40 link hops count as a loop (the Linux limit).
    static func followChain(_ components: [String], links: [String: [String]]) -> ChainResult {
        var queue = components[...]
        var resolved: [String] = []
        var hops = 0
        while let part = queue.popFirst() {
            if part == ".." {
                if resolved.isEmpty { return .escapes }
                resolved.removeLast()
                continue
            }
            resolved.append(part)
            if let raw = links[resolved.joined(separator: "/")] {
                hops += 1
                if hops > 40 { return .loop }
                resolved.removeAll()
                queue = (raw + queue)[...]
            }
        }
        return .inside
    }
}
