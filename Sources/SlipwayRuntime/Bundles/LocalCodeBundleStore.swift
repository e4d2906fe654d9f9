import Foundation
import SlipwayCore

/// Step code on local disk: staged under `staging/`, then moved to `steps/<step id>/` (code
/// packages to `packages/<package id>/`).
public final class LocalCodeBundleStore: CodeBundleStore {
    let root: URL
    let extractor: TarGzipExtractor
    let zipExtractor: ZipExtractor

    public init(root: URL, limits: ArchiveLimits) throws {
        self.root = root
        self.extractor = TarGzipExtractor(limits: limits)
        self.zipExtractor = ZipExtractor(limits: limits)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("staging"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("steps"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("packages"), withIntermediateDirectories: true)
    }

    func stagingDirectory(_ id: String) -> URL { root.appendingPathComponent("staging").appendingPathComponent(id) }

    public func stage(archive: URL) async throws -> StagedBundle {
        try stage { try extractor.extract(archive: archive, into: $0) }
    }

    public func stage(zipArchive: URL) async throws -> StagedBundle {
        try stage { try zipExtractor.extract(archive: zipArchive, into: $0) }
    }

    private func stage(_ extract: (URL) throws -> [String]) throws -> StagedBundle {
        let id = UUID().uuidString.lowercased()
        let folder = stagingDirectory(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            return StagedBundle(stagingID: id, files: try extract(folder))
        } catch let error as ArchiveError {
            try? FileManager.default.removeItem(at: folder)
            throw SlipwayError(error.exceedsLimit ? .payloadTooLarge : .badRequest, "invalid code archive: \(error.message)")
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw SlipwayError.badRequest("invalid code archive: it could not be unpacked")
        }
    }

    public func readText(_ bundle: StagedBundle, path: String, limit: Int) throws -> String? {
        guard let normalized = try? ArchivePath.normalize(path), bundle.files.contains(normalized) else { return nil }
        let file = stagingDirectory(bundle.stagingID).appendingPathComponent(normalized)
        let data = try Data(contentsOf: file)
        guard data.count <= limit else { throw SlipwayError.tooLarge("'\(normalized)' is larger than \(limit) bytes") }
        guard let text = String(data: data, encoding: .utf8) else { throw SlipwayError.badRequest("'\(normalized)' is not UTF-8 text") }
        return text
    }

    public func install(_ bundle: StagedBundle, stepID: String) throws {
        let destination = codeDirectory(stepID: stepID)
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: stagingDirectory(bundle.stagingID), to: destination)
    }

    public func discard(_ bundle: StagedBundle) {
        try? FileManager.default.removeItem(at: stagingDirectory(bundle.stagingID))
    }

    public func codeDirectory(stepID: String) -> URL {
        root.appendingPathComponent("steps").appendingPathComponent(stepID)
    }

    public func remove(stepID: String) {
        try? FileManager.default.removeItem(at: codeDirectory(stepID: stepID))
    }

    public func install(_ bundle: StagedBundle, packageID: String) throws {
        let destination = codeDirectory(packageID: packageID)
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: stagingDirectory(bundle.stagingID), to: destination)
    }

    public func codeDirectory(packageID: String) -> URL {
        root.appendingPathComponent("packages").appendingPathComponent(packageID)
    }

    public func remove(packageID: String) {
        try? FileManager.default.removeItem(at: codeDirectory(packageID: packageID))
    }
}
