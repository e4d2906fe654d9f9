import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import SlipwayCore

/// A decoded form: text fields in order, and files streamed to temporary files.
struct FormContent: Sendable {
    var fields: [(String, String)] = []
    var files: [String: UploadedFile] = [:]

    /// Removes files nobody took ownership of.
    func discardFiles() {
        for file in files.values { try? FileManager.default.removeItem(at: file.url) }
    }

    func field(_ name: String) -> String? {
        fields.last { $0.0 == name }?.1
    }
}

/// Reads `multipart/form-data` (streaming file parts to disk) and
/// `application/x-www-form-urlencoded` bodies with size limits.
struct FormReader: Sendable {
    let temporaryDirectory: URL
    /// Limit for all text fields together.
    var maxFieldBytes = 4 << 20
    /// Limit for each file part.
    var maxFileBytes: Int64

    func read(_ request: Request) async throws -> FormContent {
        let type = request.contentType.lowercased()
        if type.hasPrefix("multipart/form-data") {
            return try await readMultipart(request)
        }
        if type.hasPrefix("application/x-www-form-urlencoded") || type.isEmpty {
            let body = try await request.collectBody(limit: maxFieldBytes)
            do {
                return FormContent(fields: try URLEncodedForm.parse(body.readableBytesView))
            } catch let error as FormError {
                throw SlipwayError(error.exceedsLimit ? .payloadTooLarge : .badRequest, "invalid form body: \(error.message)")
            }
        }
        throw SlipwayError.badRequest("expected a form body (multipart/form-data or application/x-www-form-urlencoded), "
            + "got '\(NameRules.printable(request.contentType))'")
    }

    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }

    private func readMultipart(_ request: Request) async throws -> FormContent {
        guard let boundary = Self.boundary(of: request.contentType) else {
            throw SlipwayError.badRequest("multipart body without a boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        let state = PartState(temporaryDirectory: temporaryDirectory, maxFieldBytes: maxFieldBytes, maxFileBytes: maxFileBytes)
        parser.onHeader = { name, value in state.header(name: name, value: value) }
        parser.onBody = { buffer in state.body(&buffer) }
        parser.onPartComplete = { state.complete() }
        do {
            for try await buffer in request.body {
                try parser.execute(buffer)
                if let error = state.error { throw error }
            }
            if let error = state.error { throw error }
            guard state.finishedParts > 0 || state.content.fields.isEmpty else {
                throw SlipwayError.badRequest("the multipart body is incomplete")
            }
            if state.inPart { throw SlipwayError.badRequest("the multipart body is truncated") }
        } catch let error as SlipwayError {
            state.cleanUp()
            throw error
        } catch {
            state.cleanUp()
            throw SlipwayError.badRequest("malformed multipart body: \(error)")
        }
        return state.content
    }
}

/// Mutable parse state shared with MultipartParser's callbacks (used from one task only).
private final class PartState: @unchecked Sendable {
    let temporaryDirectory: URL
    let maxFieldBytes: Int
    let maxFileBytes: Int64
    var content = FormContent()
    var error: SlipwayError?
    var finishedParts = 0
    var inPart = false
    private var headers: [(String, String)] = []
    private var fieldBytes = 0
    private var text = Data()
    private var file: (handle: FileHandle, url: URL, size: Int64, name: String, fileName: String)?
    private var started = false

    init(temporaryDirectory: URL, maxFieldBytes: Int, maxFileBytes: Int64) {
        self.temporaryDirectory = temporaryDirectory
        self.maxFieldBytes = maxFieldBytes
        self.maxFileBytes = maxFileBytes
    }

    func header(name: String, value: String) {
        if started { return }
        inPart = true
        headers.append((name.lowercased(), value))
    }

    private func startIfNeeded() {
        guard !started, error == nil else { return }
        started = true
        inPart = true
        guard let disposition = headers.first(where: { $0.0 == "content-disposition" })?.1,
              let name = Self.parameter("name", in: disposition)
        else {
            error = .badRequest("a multipart part has no Content-Disposition name")
            return
        }
        if let fileName = Self.parameter("filename", in: disposition) {
            let url = temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString.lowercased())")
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = try? FileHandle(forWritingTo: url)
            else {
                error = .internal("could not create a temporary file")
                return
            }
            file = (handle, url, 0, name, fileName)
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        startIfNeeded()
        guard error == nil else { return }
        let count = buffer.readableBytes
        if var current = file {
            current.size += Int64(count)
            guard current.size <= maxFileBytes else {
                error = .tooLarge("file '\(NameRules.printable(current.fileName))' is larger than \(maxFileBytes) bytes")
                return
            }
            do { try current.handle.write(contentsOf: buffer.readableBytesView) } catch { self.error = .internal("could not write an upload") }
            file = current
        } else {
            fieldBytes += count
            guard fieldBytes <= maxFieldBytes else {
                error = .tooLarge("form fields are larger than \(maxFieldBytes) bytes")
                return
            }
            text.append(contentsOf: buffer.readableBytesView)
        }
        buffer.moveReaderIndex(forwardBy: count)
    }

    func complete() {
        startIfNeeded()
        defer {
            headers = []
            text = Data()
            file = nil
            started = false
            inPart = false
            finishedParts += 1
        }
        guard error == nil else {
            if let file { try? file.handle.close(); try? FileManager.default.removeItem(at: file.url) }
            return
        }
        if let file {
            try? file.handle.close()
            if let previous = content.files[file.name] { try? FileManager.default.removeItem(at: previous.url) }
            content.files[file.name] = UploadedFile(url: file.url, fileName: file.fileName, size: file.size)
        } else if let disposition = headers.first(where: { $0.0 == "content-disposition" })?.1,
                  let name = Self.parameter("name", in: disposition) {
            guard let value = String(data: text, encoding: .utf8) else {
                error = .badRequest("form field '\(NameRules.printable(name))' is not UTF-8 text")
                return
            }
            content.fields.append((name, value))
        }
    }

    func cleanUp() {
        if let file { try? file.handle.close(); try? FileManager.default.removeItem(at: file.url) }
        content.discardFiles()
    }

    /// `name="x"` / `filename="y"` from a Content-Disposition header.
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = String(pair[1])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }
}
