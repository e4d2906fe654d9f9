import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/task/run_once|run_scheduled|get_by_id|get_tasks_by_orch_sha|list|kill|
/// list_task_runs|get_logs_for_run` (protocol reference §13.3, flow 8): tasks run an
/// orchestration's `main.py` once or by cron (the core's jobs). In the run, `wallaroo.in_task()`
/// is true and `wallaroo.task_args()` is the `json` object (Slipway's stand-in `wallaroo`
/// module, unless the real SDK is installed in the orchestration's environment). Task statuses
/// are `pending`, `started`, `failed`, `pending_kill` (and `killed` once a kill has stopped
/// everything); run statuses `running`, `failure`, `success`; run logs are CRI lines
/// `<RFC 3339 ns time> stdout|stderr F <text>`.
extension WallarooDialect {
    struct RunTaskBody: Decodable {
        var workspace_id: FlexibleInt
        var orch_id: String
        var json: JSONValue?
        var name: String?
        var timeout: FlexibleInt?
        var schedule: String?
    }

    struct TaskIDBody: Decodable {
        var id: String
    }

    struct TaskShaBody: Decodable {
        var sha: String
    }

    struct TaskListBody: Decodable {
        var workspace_id: FlexibleInt
    }

    struct TaskRunsBody: Decodable {
        var task_id: String
        var status: String?
        var limit: FlexibleInt?
    }

    struct TaskLogsBody: Decodable {
        var id: String
        var lines: FlexibleInt?
    }

    func registerTasks(_ api: RouterGroup<SlipwayRequestContext>) {
        for (route, scheduled) in [("task/run_once", false), ("task/run_scheduled", true)] {
            api.post(RouterPath(route)) { request, context -> Response in
                let user = try context.wallarooUser()
                let body = try await request.wallarooBody(RunTaskBody.self)
                let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
                let (orchestration, home) = try await self.orchestration(id: body.orch_id, visibleTo: user)
                guard home.id == workspace.id else {
                    throw SlipwayError.notFound("orchestration", "\(NameRules.printable(body.orch_id)) in workspace \(workspace.number)")
                }
                guard let entry = orchestration.manifest["entry"]?.stringValue else {
                    throw SlipwayError.internal("the orchestration has no entry point")
                }
                if scheduled, body.schedule == nil { throw SlipwayError.badRequest("'schedule' is required (a cron string such as \"*/1 * * * *\")") }
                if !scheduled, body.schedule != nil { throw SlipwayError.badRequest("'schedule' belongs to run_scheduled") }
                let id = UUID().uuidString.lowercased()
                let environment = ["ORCH_OWNER_ID": orchestration.createdBy, "ORCH_SHA": orchestration.codeDigest, "TASK_ID": id]
                let job = try await core.jobs.create(
                    JobService.Draft(id: id, package: orchestration, entryPoint: entry, environment: environment, name: body.name,
                                     arguments: body.json ?? .object([:]), schedule: body.schedule, timeoutSeconds: body.timeout?.value),
                    by: user.id)
                return JSONResponse.make(.object(["id": .string(job.id)]))
            }
        }
        api.post("task/get_by_id") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(TaskIDBody.self)
            let (job, workspace) = try await task(id: body.id, visibleTo: user)
            return JSONResponse.make(try await presentTask(job, workspace: workspace))
        }
        api.post("task/get_tasks_by_orch_sha") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(TaskShaBody.self)
            var ids: [JSONValue] = []
            for job in try await core.jobs.jobs(packageDigest: body.sha) where try await visible(job, to: user) != nil {
                ids.append(.string(job.id))
            }
            return JSONResponse.make(.object(["ids": .array(ids)]))
        }
        api.post("task/list") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(TaskListBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            var shown: [JSONValue] = []
            for job in try await core.jobs.jobs(workspaceID: workspace.id) { shown.append(try await presentTask(job, workspace: workspace)) }
            return JSONResponse.make(.array(shown))
        }
        api.post("task/kill") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(TaskIDBody.self)
            let (job, workspace) = try await task(id: body.id, visibleTo: user)
            return JSONResponse.make(try await presentTask(try await core.jobs.kill(job), workspace: workspace))
        }
        api.post("task/list_task_runs") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(TaskRunsBody.self)
            let (job, _) = try await task(id: body.task_id, visibleTo: user)
            let status: JobRun.Status?
            switch body.status ?? "all" {
            case "all": status = nil
            case "running": status = .running
            case "failure": status = .failed
            case "success": status = .succeeded
            default: throw SlipwayError.badRequest("'status' must be running, failure, success or all")
            }
            if let limit = body.limit?.value, limit < 1 { throw SlipwayError.badRequest("'limit' must be at least 1") }
            let runs = try await core.jobs.runs(of: job, status: status, limit: body.limit?.value ?? 100)
            return JSONResponse.make(.array(runs.map { run in
                .object(["task": .string(job.id), "run_id": .string(run.id), "status": .string(Self.runStatus(run.status)),
                         "created_at": .string(WallarooTimestamp.entity(run.createdAt)),
                         "updated_at": .string(WallarooTimestamp.entity(run.updatedAt))])
            }))
        }
        api.post("task/get_logs_for_run") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(TaskLogsBody.self)
            guard UUID(uuidString: body.id) != nil, let run = try await core.jobs.run(id: body.id),
                  let job = try await core.jobs.job(id: run.jobID), try await visible(job, to: user) != nil
            else { throw SlipwayError.notFound("task run", NameRules.printable(body.id)) }
            if let lines = body.lines?.value, lines < 0 { throw SlipwayError.badRequest("'lines' must be at least 0") }
            let lines = try await core.jobs.log(of: run, lines: body.lines?.value)
            return JSONResponse.make(.object(["logs": .array(lines.map { line in
                .string("\(WallarooTimestamp.logLine(line.timestamp)) \(line.stream == .stderr ? "stderr" : "stdout") F \(line.message)")
            })]))
        }
    }

    /// The job `id` and its workspace if the user may see it (404 otherwise, as for a missing one).
    func task(id: String, visibleTo user: User) async throws -> (Job, Workspace) {
        guard UUID(uuidString: id) != nil, let job = try await core.jobs.job(id: id), let workspace = try await visible(job, to: user) else {
            throw SlipwayError.notFound("task", NameRules.printable(id))
        }
        return (job, workspace)
    }

    private func visible(_ job: Job, to user: User) async throws -> Workspace? {
        try? await accounts.workspace(id: job.workspaceID, visibleTo: user).0
    }

    static func runStatus(_ status: JobRun.Status) -> String {
        switch status {
        case .running: "running"
        case .failed: "failure"
        case .succeeded: "success"
        }
    }

    func presentTask(_ job: Job, workspace: Workspace) async throws -> JSONValue {
        let status: String
        switch job.status {
        case .pending: status = "pending"
        case .started, .succeeded: status = "started"
        case .failed: status = "failed"
        case .killRequested: status = "pending_kill"
        case .killed: status = "killed"
        }
        let runs = try await core.jobs.runs(of: job, limit: 5)
        var task: [String: JSONValue] = [
            "name": job.name.map { .string($0) } ?? .null, "id": .string(job.id),
            "image": .string("slipway/python"), "image_tag": .string("local"), "bind_secrets": .array([]),
            "extra_env_vars": .object(job.environment.mapValues { .string($0) }), "auth_init": .bool(true),
            "workspace_id": .number(Double(workspace.number)), "reap_threshold_secs": .number(900),
            "status": .string(status), "input_data": job.arguments, "killed": .bool(job.status == .killed),
            "created_at": .string(WallarooTimestamp.entity(job.createdAt)), "updated_at": .string(WallarooTimestamp.entity(job.updatedAt)),
            "last_runs": .array(runs.map { run in
                .object(["run_id": .string(run.id), "status": .string(Self.runStatus(run.status)),
                         "created_at": .string(WallarooTimestamp.entity(run.createdAt))])
            }),
        ]
        if let schedule = job.schedule {
            task["schedule"] = .string(schedule)
        } else {
            task["flavor"] = .string("exec_orch_oneshot")
            task["exec_type"] = .string("job")
        }
        if let timeout = job.timeoutSeconds { task["timeout"] = .number(Double(timeout)) }
        return .object(task)
    }
}
