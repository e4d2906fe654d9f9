import Foundation

/// A file or folder of a workspace's artifact tree, as listed.
public struct ArtifactEntry: Sendable, Equatable {
    /// Relative to the folder that was listed (a name), or to another base the caller chose.
    public var path: String
    public var isFolder: Bool
    /// The file's size; nil for a folder.
    public var size: Int64?

    public init(path: String, isFolder: Bool, size: Int64?) {
        self.path = path
        self.isFolder = isFolder
        self.size = size
    }
}
