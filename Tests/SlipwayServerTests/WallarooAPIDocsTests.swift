import Foundation
import HummingbirdTesting
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The OpenAPI document is read from the router: every Wallaroo route is in it and described.
@Suite("Wallaroo API docs")
struct WallarooAPIDocsTests {
    @Test func everyServedRouteIsDocumented() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/v1/api/docs/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try JSONValue.parse(Data(buffer: response.body))
            let paths = try #require(document.objectValue?["paths"]?.objectValue)
            #expect(paths["/v1/api/models/upload_and_convert"]?.objectValue?["post"] != nil)
            #expect(paths["/v1/api/pipelines/infer/{deployment}/{pipeline}"] != nil)
            #expect(paths["/auth/realms/master/protocol/openid-connect/token"] != nil)
            let undocumented = paths.filter { _, methods in
                methods.objectValue?.values.contains { $0.objectValue?["summary"] == .string("(not described)") } ?? true
            }.map(\.key)
            #expect(undocumented.isEmpty, "routes without a description: \(undocumented)")
            #expect(Set(paths.keys) == Set(WallarooAPIDocs.operations.keys), "the table lists no route that is not served")
            let page = try await client.execute(uri: "/v1/api/docs", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("/v1/api/pipelines/get_logs"))
        }
    }
}
