import Testing

@testable import SlipwayCore

@Suite("ArchivePath and ArchiveLinkPolicy")
struct ArchivePathTests {
    @Test(arguments: [
        ("src/main.py", "src/main.py"),
        ("./src/main.py", "src/main.py"),
        ("././src//a/./b.py", "src/a/b.py"),
        ("src/", "src"),
        ("a\\b.txt", "a\\b.txt"),
        ("./", ""),
        (".", ""),
        ("..foo/bar..", "..foo/bar.."),
    ])
    func normalises(_ input: String, _ expected: String) throws {
        #expect(try ArchivePath.normalize(input) == expected)
    }

    @Test(arguments: [
        ("../evil", "contains a '..' component"),
        ("/etc/passwd", "is an absolute path"),
        ("a/../../b", "contains a '..' component"),
        ("a/..", "contains a '..' component"),
        ("a\u{0}b", "contains a NUL byte"),
    ])
    func rejects(_ input: String, _ reason: String) {
        let error = #expect(throws: ArchiveError.self) { try ArchivePath(input) }
        #expect(error?.message.hasSuffix("\(reason)") == true)
        #expect(error?.message.hasPrefix("archive entry '") == true)
    }

    @Test func rejectsEmptyAndOversizedNames() {
        #expect(throws: ArchiveError.self) { try ArchivePath("") }
        let long = Array(repeating: String(repeating: "x", count: 200), count: 21).joined(separator: "/")
        #expect(long.utf8.count > 4096)
        let tooLong = #expect(throws: ArchiveError.self) { try ArchivePath(long) }
        #expect(tooLong?.message.contains("longer than 4096 bytes") == true)
        #expect(tooLong?.message.contains("…") == true)  // the echoed name is shortened

        #expect(throws: Never.self) { try ArchivePath(Array(repeating: "d", count: 64).joined(separator: "/")) }
        let deep = #expect(throws: ArchiveError.self) {
            try ArchivePath(Array(repeating: "d", count: 65).joined(separator: "/"))
        }
        #expect(deep?.message.contains("more than 64 path components") == true)

        #expect(throws: ArchiveError.self) { try ArchivePath(String(repeating: "c", count: 256)) }
    }

    @Test func errorMessagesEscapeControlCharacters() {
        let error = #expect(throws: ArchiveError.self) { try ArchivePath("/bad\nname") }
        #expect(error?.message == "archive entry '/bad\\u{a}name' is an absolute path")
    }

    @Test func symlinkSafety() {
        #expect(ArchiveLinkPolicy.isSafeSymlink(entryPath: "dir/link", target: "sibling.txt"))
        #expect(ArchiveLinkPolicy.isSafeSymlink(entryPath: "dir/link", target: "../top.txt"))
        #expect(ArchiveLinkPolicy.isSafeSymlink(entryPath: "a/b/link", target: "./../c/../../x"))
        #expect(ArchiveLinkPolicy.resolvedSymlinkTarget(entryPath: "a/b/link", target: "../c/./d") == "a/c/d")
        #expect(ArchiveLinkPolicy.resolvedSymlinkTarget(entryPath: "a/link", target: "..") == "")

        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "dir/link", target: "../../etc"))
        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "link", target: "../x"))
        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "link", target: "/etc/passwd"))
        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "a/link", target: "../../a/x"))  // leaves the root on the way
        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "link", target: ""))
        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "link", target: "a\u{0}"))
        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "../link", target: "x"))
        #expect(!ArchiveLinkPolicy.isSafeSymlink(entryPath: "./", target: "x"))
    }

    @Test func hardLinkSafety() {
        let files: Set<String> = ["src/main.py"]
        #expect(ArchiveLinkPolicy.isSafeHardLink(target: "./src/main.py", earlierRegularFiles: files))
        #expect(!ArchiveLinkPolicy.isSafeHardLink(target: "src/other.py", earlierRegularFiles: files))
        #expect(!ArchiveLinkPolicy.isSafeHardLink(target: "/etc/passwd", earlierRegularFiles: files))
        #expect(!ArchiveLinkPolicy.isSafeHardLink(target: "src/../src/main.py", earlierRegularFiles: files))
    }
}
