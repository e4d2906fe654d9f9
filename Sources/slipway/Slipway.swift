import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SlipwayApp
import SlipwayCore
import SlipwayServer
import SlipwayStore

@main
struct Slipway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "A self-hosted MLOps platform: pipelines, executions, data store and metrics behind the Craft AI and Wallaroo APIs.",
        subcommands: [Serve.self, TokenCommand.self, UserCommand.self, WorkspaceCommand.self, InferenceCommand.self,
                      DriftCommand.self, CaptureCommand.self, DeploymentCommand.self,
                      SecretCommand.self, SettingCommand.self, FilePipelineCommand.self])
}

struct DataDirectoryOption: ParsableArguments {
    @Option(name: .long, help: "Where Slipway keeps its database, objects and environments.")
    var dataDir: String = "./.slipway"

    @Option(help: ArgumentHelp(
        "Metadata database: sqlite: (the file in the data directory), sqlite:/path/file.db, or postgres://user:password@host:port/database.",
        valueName: "url"))
    var database: String = "sqlite:"

    var url: URL { URL(fileURLWithPath: dataDir) }

    /// The parsed `--database`; a malformed value is a one-line error (without any password).
    func location() throws -> StoreLocation {
        do {
            return try StoreLocation(parsing: database)
        } catch {
            throw StoreLocationError("--database: \(error.message)")
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the platform.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "URL clients use to reach this server (defaults to http://HOST:PORT).") var publicURL: String?
    @Option(help: "Largest step code archive, in bytes.") var maxStepArchiveBytes = 5_000_000
    @Option(help: "Largest total of non-file inputs (and of outputs) per execution, in bytes.") var maxIOBytes = 1 << 20
    @Option(help: "Per-execution timeout, in seconds.") var executionTimeout = 3600
    @Option(help: "Longest hold of a wait_for_completion request, in seconds.") var longPoll = 30
    @Option(help: "Executions that may wait for a low-latency deployment's worker before calls get 429.")
    var maxQueuedExecutions = 512
    @Option(help: "Elastic worker processes running at once; more executions wait for a slot (default: 4 per core).")
    var maxElasticProcesses = Limits.defaultMaxElasticProcesses
    @Option(help: "Pre-started Python interpreters kept for elastic executions, across environments (each serves one execution; 0: every execution starts its own; default: 2 per core, at most 8).")
    var elasticStandby = Limits().elasticStandbyWorkers
    @Option(help: "Open connections up to which a new one is served on its event loop, for the lowest latency; more run their handlers on the shared pool (default: 2 per core; 0: never).")
    var eventLoopConnections = ServerConfiguration.defaultEventLoopConnections
    @Option(help: "Lifetime of access tokens, in seconds.") var accessTokenLifetime = 3600
    @Option(help: "Largest file of inferences, ground truth, reference data or captured inferences sent to a monitored model, in bytes.")
    var maxIngestFileBytes = Limits().maxMonitoringFileBytes
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"
    @Flag(help: "Refuse self-registration through the catalog API (users/register); administrators still create users.")
    var noOpenRegistration = false
    @Option(help: "How often the closed windows of active assays are analysed, in seconds.")
    var assayInterval: Double = PeriodicScheduler.defaultAssayInterval
    @Option(help: "How often bound capture folders are scanned for capture files not yet ingested, in seconds (also at start).")
    var captureInterval: Double = PeriodicScheduler.defaultCaptureInterval
    @Option(help: "Days inference records are kept in workspaces without a retention of their own (`slipway workspace retention`); default: for ever.")
    var inferenceRetentionDays: Int?
    @Option(help: "How often inference records older than their workspace's retention are deleted, in seconds (also at start).")
    var retentionInterval: Double = InferenceRetentionService.defaultInterval

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var logger = Logger(label: "slipway")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let environment = ProcessInfo.processInfo.environment
        var limits = Limits(maxStepArchiveBytes: maxStepArchiveBytes, maxIOBytes: maxIOBytes,
                            executionTimeout: .seconds(executionTimeout), longPollHold: .seconds(longPoll),
                            maxQueuedExecutions: maxQueuedExecutions, maxElasticProcesses: maxElasticProcesses)
        limits.maxMonitoringFileBytes = max(1, maxIngestFileBytes)
        limits.elasticStandbyWorkers = max(0, elasticStandby)
        var configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: data.url, database: try data.location(), publicURL: publicURL,
            limits: limits,
            adminToken: environment["SLIPWAY_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
            adminPassword: environment["SLIPWAY_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
            clientSecret: environment["SLIPWAY_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 },
            accessTokenLifetime: TimeInterval(max(1, accessTokenLifetime)),
            eventLoopConnections: eventLoopConnections)
        configuration.openRegistration = !noOpenRegistration
        guard assayInterval.isFinite, assayInterval >= 0.1 else {
            throw ValidationError("--assay-interval must be at least 0.1 seconds")
        }
        configuration.assayInterval = assayInterval
        guard captureInterval.isFinite, captureInterval >= 0.1 else {
            throw ValidationError("--capture-interval must be at least 0.1 seconds")
        }
        configuration.captureInterval = captureInterval
        if let inferenceRetentionDays {
            if let problem = InferenceRetention.problem(days: inferenceRetentionDays) {
                throw ValidationError("--inference-retention-days: \(problem)")
            }
            configuration.inferenceRetention = .days(inferenceRetentionDays)
        }
        guard retentionInterval.isFinite, retentionInterval >= 0.1 else {
            throw ValidationError("--retention-interval must be at least 0.1 seconds")
        }
        configuration.retentionInterval = retentionInterval
        let app = try await SlipwayApp.build(configuration, logger: logger)
        var banner = "Slipway environment URL: \(configuration.baseURL)\n"
        if app.createdAdminToken != nil {
            banner += "Admin SDK token written to \(DataDirectory(root: data.url).adminTokenFile.path)\n"
        }
        banner += "Point craft-ai-sdk at it: CRAFT_AI_ENVIRONMENT_URL=\(configuration.baseURL) "
            + "CRAFT_AI_CONTROL_URL=\(configuration.baseURL) CRAFT_AI_SDK_TOKEN=$(cat \(DataDirectory(root: data.url).adminTokenFile.path))\n"
        let directory = DataDirectory(root: data.url)
        if app.generatedAdminPassword {
            banner += "Administrator password (user 'admin') written to \(directory.adminPasswordFile.path)\n"
        }
        banner += "Wallaroo API: \(configuration.baseURL)/v1/api; tokens at \(configuration.baseURL)/auth/realms/master/"
            + "protocol/openid-connect/token (client 'api-client', secret "
            + (configuration.clientSecret == nil ? "in \(directory.clientSecretFile.path))\n" : "from SLIPWAY_CLIENT_SECRET)\n")
        FileHandle.standardOutput.write(Data(banner.utf8))
        try await app.serviceGroup(logger: logger).run()
    }
}

/// Opens a data directory for an administration command.
func withAdmin<T>(_ data: DataDirectoryOption, _ body: (AccountService, SQLMetadataStore) async throws -> T) async throws -> T {
    var logger = Logger(label: "slipway")
    logger.logLevel = .warning
    let directory = DataDirectory(root: data.url)
    try directory.prepare()
    let store = try await data.location().open(defaultSQLitePath: directory.database.path, logger: logger)
    let accounts = AccountService(store: store)
    let environment = ProcessInfo.processInfo.environment
    do {
        _ = try await SlipwayApp.prepareAccounts(
            accounts, directory: directory, adminToken: environment["SLIPWAY_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
            adminPassword: environment["SLIPWAY_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 })
    } catch {
        await store.close()
        throw error
    }
    do {
        let result = try await body(accounts, store)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage SDK tokens.",
                                                    subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an SDK token and print it.")
        @Option(help: "User the token belongs to.") var user = AccountService.adminUserName
        @Option(help: "Workspace (environment) the token opens.") var workspace = AccountService.defaultWorkspaceName
        @Option(help: "What the token may do: 'full' (everything its user may do) or 'ingest' (only send inferences and ground truth of monitored models).")
        var scope = "full"
        @OptionGroup var data: DataDirectoryOption

        func validate() throws {
            guard ["full", "ingest"].contains(scope) else { throw ValidationError("--scope must be 'full' or 'ingest'") }
        }

        func run() async throws {
            let token = try await withAdmin(data) { accounts, store in
                guard let user = try await store.user(named: user) else { throw ValidationError("no user named '\(user)'") }
                guard let workspace = try await store.workspace(named: workspace) else {
                    throw ValidationError("no workspace named '\(workspace)'")
                }
                if scope == "ingest" {
                    return try await accounts.issueIngestionToken(userID: user.id, workspaceID: workspace.id)
                }
                return try await accounts.issueUserToken(userID: user.id, workspaceID: workspace.id)
            }
            print(token)
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.",
                                                    subcommands: [Create.self, Password.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user in a workspace.")
        @Argument(help: "User name (lowercase letters, digits, '-').") var name: String
        @Option(help: "E-mail address (unique; the user may sign in with it or with the name).") var email: String
        @Option(help: ArgumentHelp("Password to sign in with; '-' reads it from the first line of stdin.",
                                   valueName: "password"))
        var password: String?
        @Option(help: "First name.") var firstName: String?
        @Option(help: "Last name.") var lastName: String?
        @Option(help: "Workspace the user joins.") var workspace = AccountService.defaultWorkspaceName
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let secret = try password.map(readPassword)
            let user = try await withAdmin(data) { accounts, store in
                guard let workspace = try await store.workspace(named: workspace) else {
                    throw ValidationError("no workspace named '\(workspace)'")
                }
                return try await accounts.createUser(name: name, email: email, workspaceID: workspace.id, password: secret,
                                                     firstName: firstName, lastName: lastName)
            }
            print("created user \(user.name) (\(user.id))")
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password.")
        @Argument(help: "User name or e-mail address.") var user: String
        @Option(help: ArgumentHelp("The new password; '-' reads it from the first line of stdin.", valueName: "password"))
        var password: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let secret = try readPassword(password)
            try await withAdmin(data) { accounts, store in
                let found = user.contains("@") ? try await store.user(email: user) : try await store.user(named: user)
                guard let found else { throw ValidationError("no user '\(user)'") }
                try await accounts.setPassword(userID: found.id, to: secret)
            }
            print("password set for \(user)")
        }
    }
}

/// `value`, or the first line of stdin when it is `-` (so the password stays out of the
/// process list and the shell history).
func readPassword(_ value: String) throws -> String {
    guard value == "-" else { return value }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("--password -: no password on stdin")
    }
    return line
}

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workspace", abstract: "Manage workspaces (environments).",
                                                    subcommands: [Create.self, WorkspaceRetentionCommand.self, WorkspaceNetworkCommand.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a workspace and print an SDK token for it (owned by the admin user).")
        @Argument(help: "Workspace name (lowercase letters, digits, '-').") var name: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let token = try await withAdmin(data) { accounts, store in
                guard let admin = try await store.user(named: AccountService.adminUserName) else {
                    throw ValidationError("the admin user is missing")
                }
                let workspace = try await accounts.createWorkspace(named: name, ownerID: admin.id)
                return try await accounts.issueUserToken(userID: admin.id, workspaceID: workspace.id)
            }
            print(token)
        }
    }
}
