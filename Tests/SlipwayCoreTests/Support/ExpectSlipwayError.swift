import Testing

@testable import SlipwayCore

/// Runs `body` and checks that it throws a `SlipwayError` of `kind` (with `code`, and a message
/// containing `message`, when given). Returns the error for further checks.
@discardableResult
func expectSlipwayError<T>(_ kind: SlipwayError.Kind, code: SlipwayError.Code? = nil, message: String? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: () async throws -> T) async -> SlipwayError? {
    do {
        _ = try await body()
        Issue.record("expected a \(kind.rawValue) error, but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as SlipwayError {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        if let code { #expect(error.code == code, "\(error)", sourceLocation: sourceLocation) }
        if let message {
            #expect(error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a SlipwayError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Runs a call that must be refused with `kind` and checks that it left the store as it was.
@discardableResult
func expectRefusedUnchanged<T>(_ kind: SlipwayError.Kind, in store: InMemoryMetadataStore,
                               code: SlipwayError.Code? = nil, message: String? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation,
                               _ body: () async throws -> T) async -> SlipwayError? {
    let before = store.snapshot
    let error = await expectSlipwayError(kind, code: code, message: message, sourceLocation: sourceLocation, body)
    #expect(store.snapshot == before, "the refused call changed the store", sourceLocation: sourceLocation)
    return error
}
