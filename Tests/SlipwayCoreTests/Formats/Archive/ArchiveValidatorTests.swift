import Foundation
import Testing

@testable import SlipwayCore

@Suite("ArchiveValidator")
struct ArchiveValidatorTests {
    /// Parses and validates every entry; returns the accepted entries.
    private func validate(_ tar: TarTestBuilder, limits: ArchiveLimits = .default) throws -> [ArchiveEntry] {
        var validator = ArchiveValidator(limits: limits)
        var accepted: [ArchiveEntry] = []
        for entry in try TarReader.entries(in: tar.bytes) {
            if let ok = try validator.validate(entry.header) { accepted.append(ok) }
        }
        try validator.finish()
        return accepted
    }

    private func message(_ tar: TarTestBuilder, limits: ArchiveLimits = .default) -> String? {
        do {
            _ = try validate(tar, limits: limits)
            return nil
        } catch let error as ArchiveError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func acceptsNormalArchive() throws {
        var tar = TarTestBuilder()
        tar.directory("./")
        tar.directory("./src/")
        tar.file("./src/main.py", "x = 1\n")
        tar.file("./src/pkg/util.py", "y = 2\n")  // parent directory implied
        tar.symlink("./src/alias.py", to: "main.py")
        tar.symlink("./src/pkg/up.py", to: "../main.py")
        tar.hardLink("./copy.py", to: "./src/main.py")
        tar.end()
        let entries = try validate(tar)
        #expect(entries.map(\.path) == ["src", "src/main.py", "src/pkg/util.py", "src/alias.py", "src/pkg/up.py", "copy.py"])
        #expect(entries.map(\.linkTarget) == [nil, nil, nil, "main.py", "../main.py", "src/main.py"])
        #expect(entries[1].size == 6)
    }

    @Test func rejectsEscapingNames() {
        for name in ["../evil", "/etc/passwd", "a/../../b"] {
            var tar = TarTestBuilder()
            tar.file(name, "x")
            #expect(message(tar)?.contains("'\(name)'") == true, "\(name)")
        }
    }

    @Test func symlinkPolicy() {
        var good = TarTestBuilder()
        good.file("sibling.txt", "s")
        good.symlink("link", to: "sibling.txt")
        #expect(message(good) == nil)

        var bad = TarTestBuilder()
        bad.symlink("a/link", to: "../../etc")
        #expect(message(bad) == "archive entry 'a/link' is a symbolic link pointing outside the archive ('../../etc')")

        var absolute = TarTestBuilder()
        absolute.symlink("link", to: "/etc/passwd")
        #expect(message(absolute)?.contains("pointing outside the archive") == true)
    }

    @Test func rejectsWritingThroughSymlinks() {
        var tar = TarTestBuilder()
        tar.directory("real/")
        tar.symlink("alias", to: "real")
        tar.file("alias/x.txt", "x")
        #expect(message(tar) == "archive entry 'alias/x.txt' is inside 'alias', which is a symbolic link")
    }

    @Test func rejectsSymlinkChainsThatEscape() {
        // Each link is harmless on its own, but d/l points at the root, so d/l/.. is its parent.
        var later = TarTestBuilder()
        later.directory("d/")
        later.symlink("x", to: "d/l/..")
        later.symlink("d/l", to: "..")
        #expect(message(later)?.contains("leads outside the archive through other links") == true)

        var earlier = TarTestBuilder()
        earlier.directory("d/")
        earlier.symlink("d/l", to: "..")
        earlier.symlink("x", to: "d/l/..")
        #expect(message(earlier) == "archive entry 'x' is a symbolic link that leads outside the archive through other links ('d/l/..')")

        var loop = TarTestBuilder()
        loop.symlink("a", to: "b")
        loop.symlink("b", to: "a")
        #expect(message(loop)?.contains("forms a loop") == true)
    }

    @Test func hardLinkPolicy() {
        var missing = TarTestBuilder()
        missing.hardLink("h", to: "nothing")
        #expect(message(missing)?.contains("does not point to an earlier regular file") == true)

        var toSymlink = TarTestBuilder()
        toSymlink.file("f", "f")
        toSymlink.symlink("s", to: "f")
        toSymlink.hardLink("h", to: "s")
        #expect(message(toSymlink)?.contains("does not point to an earlier regular file") == true)

        var outside = TarTestBuilder()
        outside.hardLink("h", to: "/etc/shadow")
        #expect(message(outside)?.contains("does not point to an earlier regular file") == true)

        var ok = TarTestBuilder()
        ok.file("f", "f")
        ok.hardLink("h", to: "f")
        ok.hardLink("h2", to: "h")  // a hard link is a regular file too
        #expect(message(ok) == nil)
    }

    @Test func rejectsSpecialEntries() {
        var tar = TarTestBuilder()
        tar.special("dev/tty", typeflag: "3")
        #expect(message(tar) == "archive entry 'dev/tty' is a character device; only regular files, directories and links are allowed")

        var fifo = TarTestBuilder()
        fifo.special("pipe", typeflag: "6")
        #expect(message(fifo)?.contains("is a FIFO (named pipe)") == true)

        var other = TarTestBuilder()
        other.special("label", typeflag: "V")
        #expect(message(other)?.contains("special entry of unsupported type 'V'") == true)
    }

    @Test func duplicatesAllowedLastWins() throws {
        var tar = TarTestBuilder()
        tar.file("a.txt", "first")
        tar.file("./a.txt", "second")
        tar.symlink("a.txt", to: "b.txt")  // replacing a file with a link is fine too
        tar.file("a.txt", "third")
        tar.directory("d/")
        tar.directory("d")
        tar.end()
        #expect(try validate(tar).map(\.path) == ["a.txt", "a.txt", "a.txt", "a.txt", "d", "d"])
    }

    @Test func rejectsDirectoryFileConflicts() {
        var tar = TarTestBuilder()
        tar.file("src/main.py", "x")
        tar.file("src", "oops")
        #expect(message(tar) == "archive entry 'src' is a regular file, but earlier entries use that path as a directory")

        var under = TarTestBuilder()
        under.file("f", "x")
        under.file("f/g", "y")
        #expect(message(under) == "archive entry 'f/g' is inside 'f', which is a regular file")
    }

    @Test func rootEntryIsSkippedButMustBeADirectory() throws {
        var tar = TarTestBuilder()
        tar.directory("./")
        tar.directory(".")
        #expect(try validate(tar).isEmpty)

        var file = TarTestBuilder()
        file.file("./", "x", typeflag: "0")
        #expect(message(file)?.contains("names the archive root but is not a directory") == true)
    }

    @Test func enforcesLimits() {
        var many = TarTestBuilder()
        for i in 0..<4 { many.file("f\(i)", "x") }
        let count = message(many, limits: ArchiveLimits(maxTotalBytes: 100, maxEntries: 3))
        #expect(count == "the archive contains more than 3 entries")

        var big = TarTestBuilder()
        big.file("a", [UInt8](repeating: 0, count: 600))
        big.file("b", [UInt8](repeating: 0, count: 600))
        let size = message(big, limits: ArchiveLimits(maxTotalBytes: 1024, maxEntries: 10))
        #expect(size == "the archive's contents exceed the limit of 1 KB when uncompressed (reached at 'b')")

        #expect(ArchiveLimits.default.maxTotalBytes == 50 * 1024 * 1024)
        #expect(ArchiveLimits.default.maxEntries == 10_000)
        #expect(ArchiveError.tooLarge(limit: ArchiveLimits.default.maxTotalBytes, at: "x").message.contains("50 MB"))
        #expect(ArchiveError.tooManyEntries(limit: 1).exceedsLimit)
    }

    @Test func streamingValidationStopsBeforeContents() throws {
        var tar = TarTestBuilder()
        tar.file("ok.txt", "fine")
        tar.file("../evil.txt", [UInt8](repeating: 1, count: 2000))
        var reader = TarReader()
        var validator = ArchiveValidator()
        var written: [String: [UInt8]] = [:]
        var current: String?
        do {
            for chunk in stride(from: 0, to: tar.bytes.count, by: 300) {
                for event in try reader.append(tar.bytes[chunk..<min(chunk + 300, tar.bytes.count)]) {
                    switch event {
                    case .entry(let header): current = try validator.validate(header)?.path
                    case .data(let bytes): written[current!, default: []] += bytes
                    case .entryEnd, .end: current = nil
                    }
                }
            }
            Issue.record("expected a validation error")
        } catch let error as ArchiveError {
            #expect(error.message == "archive entry '../evil.txt' contains a '..' component")
        }
        #expect(written == ["ok.txt": Array("fine".utf8)])
    }
}
