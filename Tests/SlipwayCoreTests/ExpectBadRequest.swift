import Testing

@testable import SlipwayCore

/// Runs `body` and checks that it throws a `SlipwayError` of kind bad request (whose message
/// contains `message`, when given).
func expectBadRequest(_ message: String? = nil, _ body: () throws -> Void,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("expected a BadRequest error", sourceLocation: sourceLocation)
    } catch let error as SlipwayError {
        #expect(error.kind == .badRequest, "\(error)", sourceLocation: sourceLocation)
        if let message {
            #expect(error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
