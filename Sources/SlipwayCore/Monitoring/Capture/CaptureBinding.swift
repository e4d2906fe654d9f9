import Foundation

/// A data-store folder of a workspace bound to a monitored model: every capture file (`.jsonl`)
/// written under the folder after the binding was made is ingested into the model once
/// (`CaptureIngestor`). The folder is a prefix: files in its sub-folders count too.
public struct CaptureBinding: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var modelID: String
    /// A validated folder path, always ending in `/`.
    public var folder: String
    public var createdBy: String
    public var createdAt: Date

    public init(id: String, workspaceID: String, modelID: String, folder: String, createdBy: String, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.modelID = modelID
        self.folder = folder
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The suffix of the files a binding ingests (Data Capture writes JSON lines).
    public static let captureFileSuffix = ".jsonl"

    /// `raw` as a bound folder: a non-empty data-store folder path, normalised to end in `/`.
    public static func folder(_ raw: String) throws(SlipwayError) -> String {
        guard !raw.isEmpty, raw != "/" else {
            throw .badRequest("folder must name a data-store folder (binding the whole data store is not allowed)")
        }
        return try ObjectPath.validateFolder(raw, field: "folder")
    }

    /// Whether the object at `path` is a capture file this binding ingests.
    public func covers(path: String) -> Bool {
        Self.isCaptureFile(path) && path.hasPrefix(folder)
    }

    /// Whether `path` names a capture file (case-insensitively `.jsonl`).
    public static func isCaptureFile(_ path: String) -> Bool {
        path.lowercased().hasSuffix(captureFileSuffix)
    }

    /// Whether the two folders overlap (one holds the other), so a file would be ingested by both.
    public func overlaps(_ other: String) -> Bool {
        folder.hasPrefix(other) || other.hasPrefix(folder)
    }
}
