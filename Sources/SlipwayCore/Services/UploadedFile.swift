import Foundation

/// A file that arrived with a request, already on local disk.
public struct UploadedFile: Sendable, Equatable {
    public var url: URL
    public var fileName: String
    public var size: Int64

    public init(url: URL, fileName: String, size: Int64) {
        self.url = url
        self.fileName = fileName
        self.size = size
    }
}
