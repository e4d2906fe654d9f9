import HTTPTypes
import Hummingbird
import Testing

@testable import SlipwayServer

@Suite("Executor middleware")
struct ExecutorMiddlewareTests {
    func request(_ method: HTTPRequest.Method, _ path: String, contentType: String? = nil) -> Request {
        var head = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path)
        if let contentType { head.headerFields[.contentType] = contentType }
        return Request(head: head, body: .init(buffer: .init()))
    }

    @Test func endpointCallsWithAJSONBodyAndTheirResultsStayOnTheLoop() {
        let stays = ExecutorMiddleware<SlipwayRequestContext>.staysOnLoop
        #expect(stays(request(.post, "/endpoints/my-endpoint", contentType: "application/json")))
        #expect(stays(request(.post, "/environments/team-a/endpoints/my-endpoint")))
        #expect(stays(request(.get, "/endpoints/v1/my-endpoint/executions/e1?token=x")))
        #expect(stays(request(.get, "/health")))
    }

    @Test func everythingElseRunsOnThePool() {
        let stays = ExecutorMiddleware<SlipwayRequestContext>.staysOnLoop
        #expect(!stays(request(.post, "/endpoints/upload", contentType: "multipart/form-data; boundary=x")))
        #expect(!stays(request(.post, "/environments/team-a/endpoints/up", contentType: "Multipart/Form-Data; boundary=x")))
        #expect(!stays(request(.post, "/api/v1/steps", contentType: "multipart/form-data; boundary=x")))
        #expect(!stays(request(.get, "/api/v1/endpoints")))
        #expect(!stays(request(.put, "/api/v1/data-store/upload")))
        #expect(!stays(request(.get, "/environments/endpoints")))
        #expect(!stays(request(.get, "/environments/x/other/endpoints/y")))
        #expect(!stays(request(.get, "/healthz")))
    }
}
