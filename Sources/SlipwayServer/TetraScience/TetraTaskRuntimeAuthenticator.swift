import Foundation
import Hummingbird
import SlipwayCore

/// Authenticates the task-runtime and file-info routes: a running step's own token (from its
/// `ts-auth-token`; valid while the step runs, in the step's workspace), or a user's token as
/// for the rest of the API (`TetraScienceAuthenticator`).
struct TetraTaskRuntimeAuthenticator: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    let accounts: AccountService
    let runs: TetraStepRuns

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = TetraScienceAuthenticator.token(in: request.headers) else {
            throw SlipwayError.unauthorized("missing credentials: send the token in the 'ts-auth-token' header")
        }
        guard token.hasPrefix("swj_") else {
            return try await TetraScienceAuthenticator(accounts: accounts).handle(request, context: context, next: next)
        }
        let principal: Principal
        do {
            principal = try await accounts.authenticate(refreshToken: token, allowingJobRuns: true)
        } catch let error as SlipwayError where error.kind == .unauthorized || error.kind == .forbidden {
            throw SlipwayError.unauthorized("the ts-auth-token is not valid")
        }
        guard principal.kind == .workflowStep, let runID = principal.executionID, runs.run(id: runID) != nil,
              let workspace = try await accounts.workspace(id: principal.workspaceID)
        else { throw SlipwayError.unauthorized("the ts-auth-token is not the token of a running task script") }
        var context = context
        context.caller = .user(try await accounts.activeUser(id: principal.userID), sessionID: nil)
        context.identity = .init(principal: principal, workspace: workspace)
        return try await next(request, context)
    }
}
