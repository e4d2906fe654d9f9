import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// Slipway's `capture_bindings` extension of the Arthur routes: bind, list with outcomes, get,
/// unbind; bad folders, overlaps, ingestion-only keys and another workspace's model refused.
@Suite("Arthur capture bindings")
struct ArthurCaptureBindingTests {
    let arthur = ArthurDialectTests()

    static func captureLine(_ eventID: String) -> String {
        JSONValue.object([
            "captureData": .object([
                "endpointInput": .object(["observedContentType": .string("text/csv"), "mode": .string("INPUT"),
                                          "data": .string("30,Paris"), "encoding": .string("CSV")]),
                "endpointOutput": .object(["observedContentType": .string("text/csv"), "mode": .string("OUTPUT"),
                                           "data": .string("0.5"), "encoding": .string("CSV")]),
            ]),
            "eventMetadata": .object(["eventId": .string(eventID), "inferenceTime": .string("2024-01-01T00:00:00Z")]),
        ]).jsonString()
    }

    @Test func aBoundFolderIsListedWithTheOutcomesOfItsFilesAndUnbound() async throws {
        let server = try await TestServer()
        let core = server.app.core
        let workspace = try #require(try await server.app.accounts.workspace(named: "default"))
        try await server.test { client in
            let id = try await arthur.createModel(client)
            let created = try await arthur.call(client, .post, "/models/\(id)/capture_bindings", body: #"{"folder": "captures/credit"}"#)
            #expect(created.status == .created, "\(created.text)")
            let binding = try created.json()
            #expect(binding["folder"] == .string("captures/credit/") && binding["model_id"] == .string(id))
            let bindingID = try #require(binding["id"]?.stringValue)

            for (path, text) in [("captures/credit/a.jsonl", Self.captureLine("e1") + "\n" + Self.captureLine("e2")),
                                 ("captures/credit/bad.jsonl", "not json"), ("captures/credit/skip.csv", "30,Paris")] {
                let writer = try await core.platform.blobs.makeWriter()
                try await writer.write(Data(text.utf8))
                _ = try await core.dataStore.attach(blob: try await writer.commit(), workspaceID: workspace.id, path: try ObjectPath(path))
            }
            // Ingestion runs in the background of the writes: wait for both capture files' outcomes.
            let expected = JSONValue.object([
                "files": .object(["total": .number(2), "pending": .number(0), "ingested": .number(1), "failed": .number(1)]),
                "success": .number(2), "failure": .number(1), "total": .number(3),
            ])
            var listed: JSONValue = .null
            let deadline = ContinuousClock.now + .seconds(15)
            repeat {
                try await Task.sleep(for: .milliseconds(20))
                listed = try await arthur.call(client, .get, "/models/\(id)/capture_bindings").json()
            } while listed["data"]?.arrayValue?.first?["counts"] != expected && ContinuousClock.now < deadline
            let report = try #require(listed["data"]?.arrayValue?.first)
            #expect(report["id"] == .string(bindingID))
            #expect(report["counts"] == expected)
            let files = try #require(report["files"]?.arrayValue)
            let bad = try #require(files.first { $0["path"] == .string("captures/credit/bad.jsonl") })
            #expect(bad["status"] == .string("failed") && bad["failures"] == .array([.string("line 1 is not valid JSON")]))
            let good = try #require(files.first { $0["path"] == .string("captures/credit/a.jsonl") })
            #expect(good["counts"] == .object(["success": .number(2), "failure": .number(0), "total": .number(2)]))

            let one = try await arthur.call(client, .get, "/models/\(id)/capture_bindings/\(bindingID)")
            #expect(one.status == .ok)
            #expect(try one.json()["counts"] == report["counts"])
            #expect(try await arthur.call(client, .delete, "/models/\(id)/capture_bindings/\(bindingID)").status == .noContent)
            #expect(try await arthur.call(client, .delete, "/models/\(id)/capture_bindings/\(bindingID)").status == .notFound)
            #expect(try await arthur.call(client, .get, "/models/\(id)/capture_bindings").json()["data"] == .array([]))
        }
    }

    @Test func badFoldersAndOverlapsAreRefusedAndNothingIsBound() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let id = try await arthur.createModel(client)
            for body in [#"{"folder": ""}"#, #"{"folder": "/abs/"}"#, #"{"folder": "a/../b/"}"#, #"{"folder": 3}"#, #"{}"#, "[1]"] {
                let refused = try await arthur.call(client, .post, "/models/\(id)/capture_bindings", body: body)
                #expect(refused.status == .badRequest, "\(body): \(refused.text)")
                #expect(try refused.json()["code"] == .number(400))
            }
            #expect(try await arthur.call(client, .post, "/models/\(id)/capture_bindings", body: #"{"folder": "c/a/"}"#).status == .created)
            let overlap = try await arthur.call(client, .post, "/models/\(id)/capture_bindings", body: #"{"folder": "c/"}"#)
            #expect(overlap.status == .conflict && overlap.text.contains("overlaps"))
            let listed = try await arthur.call(client, .get, "/models/\(id)/capture_bindings").json()
            #expect(listed["data"]?.arrayValue?.map { $0["folder"] } == [.string("c/a/")])
        }
    }

    @Test func ingestionKeysMayNotBindAndAnotherWorkspacesModelIsNotFound() async throws {
        let server = try await TestServer()
        let accounts = server.app.accounts
        let admin = try #require(try await accounts.user(id: try await accounts.authenticate(refreshToken: TestServer.adminToken).userID))
        let workspace = try #require(try await accounts.workspace(named: "default"))
        let ingestKey = try await accounts.issueIngestionToken(userID: admin.id, workspaceID: workspace.id)
        let other = try await accounts.createWorkspace(named: "other")
        let outsider = try await accounts.createUser(name: "outsider", email: "o@example.com", workspaceID: nil)
        let outsiderKey = try await accounts.issueUserToken(userID: outsider.id, workspaceID: other.id)
        try await server.test { client in
            let id = try await arthur.createModel(client)
            let path = "/models/\(id)/capture_bindings"
            let refused = try await arthur.call(client, .post, path, key: ingestKey, body: #"{"folder": "c/"}"#)
            #expect(refused.status == .forbidden)
            #expect(try await arthur.call(client, .get, path, key: ingestKey).status == .forbidden)
            #expect(try await arthur.call(client, .post, path, key: outsiderKey, body: #"{"folder": "c/"}"#).status == .notFound)
            #expect(try await arthur.call(client, .get, path, key: outsiderKey).status == .notFound)
            let created = try await arthur.call(client, .post, path, body: #"{"folder": "c/"}"#)
            let bindingID = try #require(try created.json()["id"]?.stringValue)
            #expect(try await arthur.call(client, .delete, "\(path)/\(bindingID)", key: ingestKey).status == .forbidden)
            #expect(try await arthur.call(client, .delete, "\(path)/\(bindingID)", key: outsiderKey).status == .notFound)
            #expect(try await arthur.call(client, .get, path).json()["data"]?.arrayValue?.count == 1, "the refused calls changed nothing")
        }
    }
}
