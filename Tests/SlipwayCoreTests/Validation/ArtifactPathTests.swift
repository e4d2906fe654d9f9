import Testing

@testable import SlipwayCore

@Suite("ArtifactPath")
struct ArtifactPathTests {
    @Test func relativePathsAreKeptByComponent() throws {
        let path = try ArtifactPath("1/abc/artifacts/model/MLmodel")
        #expect(path.components == ["1", "abc", "artifacts", "model", "MLmodel"])
        #expect(path.description == "1/abc/artifacts/model/MLmodel")
        #expect(path.name == "MLmodel")
        #expect(try ArtifactPath("folder/").components == ["folder"])
        #expect(try ArtifactPath("", allowRoot: true).isRoot)
        #expect(path.parent.description == "1/abc/artifacts/model")
    }

    @Test(arguments: ["..", "../x", "a/../b", "a/./b", ".", "/etc/passwd", "a//b", "a\\b", "a\u{0}b", "a\nb",
                      "mlflow-artifacts:/x", "//x"])
    func escapingOrAmbiguousPathsAreRefused(_ text: String) {
        expectBadRequest("artifact path") { _ = try ArtifactPath(text) }
    }

    @Test func emptyIsOnlyTheRootWhereAllowed() {
        expectBadRequest("must not be empty") { _ = try ArtifactPath("") }
        expectBadRequest { _ = try ArtifactPath("/", allowRoot: true) }
    }

    @Test func limitsAreEnforced() {
        expectBadRequest("longer than") { _ = try ArtifactPath(String(repeating: "a", count: 1025)) }
        expectBadRequest("components") { _ = try ArtifactPath(Array(repeating: "a", count: 65).joined(separator: "/")) }
    }

    @Test func withinAndRelative() throws {
        let base = try ArtifactPath("1/run/artifacts")
        let file = try ArtifactPath("1/run/artifacts/model/x.pkl")
        #expect(file.isWithin(base))
        #expect(!base.isWithin(file))
        #expect(!(try ArtifactPath("1/run/artifactsX")).isWithin(base))
        #expect(file.relative(to: base).description == "model/x.pkl")
    }
}
