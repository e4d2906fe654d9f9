import Foundation
import Hummingbird
import NIOCore
import SlipwayCore

/// Builders for the response shapes every dialect uses.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: JSONTextWriter.bytes(of: value))))
    }

    /// JSON text written ahead (by a `JSONTextWriter`), for pages of many small objects that are
    /// cheaper to write directly than to build as a `JSONValue` first.
    static func make(jsonText: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: jsonText)))
    }

    static func bytes(_ data: Data, contentType: String = "application/octet-stream", status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: .init())
    }
}

extension Date {
    /// `2026-01-31T12:00:00.000Z`
    var iso8601: String { RFC3339Time.string(from: self, fractionDigits: 3) }

    var json: JSONValue { .string(iso8601) }
}

extension Optional where Wrapped == String {
    var json: JSONValue { map { .string($0) } ?? .null }
}

extension Optional where Wrapped == Date {
    var json: JSONValue { map { $0.json } ?? .null }
}

extension JSONValue {
    /// Parses JSON text held in a buffer, without copying it.
    static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        try buffer.withUnsafeReadableBytes { try JSONTextParser.parse($0.bindMemory(to: UInt8.self)) }
    }
}

extension Request {
    /// Collects a bounded body; an oversized one is a 413.
    func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch {
            throw SlipwayError.tooLarge("the request body is larger than \(limit) bytes")
        }
    }

    /// Parses a JSON object body (bounded).
    func jsonObject(limit: Int = 4 << 20) async throws -> [String: JSONValue] {
        let buffer = try await collectBody(limit: limit)
        guard buffer.readableBytes > 0 else { return [:] }
        guard let value = try? JSONValue.parse(buffer) else {
            throw SlipwayError.badRequest("the request body is not valid JSON")
        }
        guard let object = value.objectValue else { throw SlipwayError.badRequest("the request body must be a JSON object") }
        return object
    }

    /// A query parameter decoded as a form (`+` is a space, as Python's requests encodes it).
    func query(_ name: String) -> String? {
        guard let raw = uri.query, let pairs = try? URLEncodedForm.parse(Array(raw.utf8)) else { return nil }
        return pairs.last { $0.0 == name }?.1
    }

    /// Python-style booleans in query strings (`True`/`False`), plus `true`/`1`.
    func queryBool(_ name: String) -> Bool {
        guard let value = query(name)?.lowercased() else { return false }
        return value == "true" || value == "1"
    }

    var contentType: String { headers[.contentType] ?? "" }
}
