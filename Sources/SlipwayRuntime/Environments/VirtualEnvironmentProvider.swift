import Crypto
import Foundation
import Logging
import SlipwayCore

/// Python environments under `root/<key>`, where the key is the SHA-256 of the spec. Built with
/// `uv` when it is on PATH, else `python -m venv` + pip; concurrent requests for one key share a build.
public final class VirtualEnvironmentProvider: EnvironmentProvider, @unchecked Sendable {
    let root: URL
    let installations: PythonInstallations
    let uvPath: String?
    let logger: Logger
    /// The unprivileged account setup scripts run as when the server runs as root.
    let workerUser: String
    private let builds = BuildRegistry()

    public init(root: URL, installations: PythonInstallations = .discover(), logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment, workerUser: String = "slipway-worker") throws {
        self.root = root
        self.installations = installations
        self.logger = logger
        self.workerUser = workerUser
        self.uvPath = Self.findExecutable("uv", path: environment["PATH"] ?? "")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    public var builder: String { uvPath == nil ? "venv+pip" : "uv" }

    public func availablePythonVersions() -> [String] { installations.versions }

    public var defaultPythonVersion: String { installations.defaultVersion ?? "3.11" }

    public func validate(_ spec: EnvironmentSpec) async throws(SlipwayError) {
        guard installations.interpreters[spec.pythonVersion] != nil else {
            let available = installations.versions
            throw .badRequest("Python \(spec.pythonVersion) is not installed on this Slipway server; available: "
                + (available.isEmpty ? "none" : available.joined(separator: ", ")),
                details: .object(["available_python_versions": .array(available.map { .string($0) })]))
        }
        for dependency in spec.systemDependencies {
            guard dependency.allSatisfy({ $0.isLetter || $0.isNumber || "+-.:".contains($0) }), !dependency.hasPrefix("-") else {
                throw .badRequest("system dependency '\(NameRules.printable(dependency))' is not a valid Debian package name")
            }
        }
        var missing: [String] = []
        for dependency in spec.systemDependencies where !(await Self.isDebianPackageInstalled(dependency)) {
            missing.append(dependency)
        }
        if !missing.isEmpty {
            throw .badRequest("system dependencies not installed on this server: \(missing.joined(separator: ", ")); "
                + "install them with apt-get on the host, or remove them from system_dependencies",
                details: .object(["missing_system_dependencies": .array(missing.map { .string($0) })]))
        }
    }

    static func isDebianPackageInstalled(_ name: String) async -> Bool {
        guard let dpkg = findExecutable("dpkg-query", path: "/usr/bin:/bin") else { return false }
        let result = try? await ToolRunner.run(dpkg, ["-W", "-f=${Status}", name])
        return result?.exitCode == 0 && (result?.output.joined().contains("install ok installed") ?? false)
    }

    public static func key(for spec: EnvironmentSpec) -> String {
        var text = "python=\(spec.pythonVersion)\nsystem=\(spec.systemDependencies.joined(separator: ","))\n"
            + "requirements=\n\(spec.requirements.trimmingCharacters(in: .whitespacesAndNewlines))\n"
        if let setup = spec.setup {
            text += "code=\(setup.codeDigest)\nsetup=\n\(setup.script)\n"
        }
        return Hex.encode(SHA256.hash(data: Data(text.utf8)))
    }

    func directory(key: String) -> URL { root.appendingPathComponent(key) }

    public func environment(key: String) -> EnvironmentHandle? {
        let python = directory(key: key).appendingPathComponent("bin/python").path
        guard FileManager.default.fileExists(atPath: directory(key: key).appendingPathComponent(".slipway-ready").path)
        else { return nil }
        return EnvironmentHandle(key: key, pythonExecutable: python)
    }

    public func ensure(_ spec: EnvironmentSpec, log: @escaping @Sendable (String) -> Void) async throws -> EnvironmentHandle {
        try await validate(spec)
        let key = Self.key(for: spec)
        if let handle = environment(key: key) {
            log("Reusing cached environment \(key.prefix(12))")
            return handle
        }
        return try await builds.run(key: key) { [self] in
            if let handle = environment(key: key) { return handle }
            return try await build(spec, key: key, log: log)
        }
    }

    private func build(_ spec: EnvironmentSpec, key: String, log: @escaping @Sendable (String) -> Void) async throws -> EnvironmentHandle {
        guard let interpreter = installations.interpreters[spec.pythonVersion] else {
            throw SlipwayError.badRequest("Python \(spec.pythonVersion) is not installed")
        }
        // A setup script run as the worker user needs an interpreter that user can run.
        let runsAsWorker = spec.setup != nil && getuid() == 0
        let chosen = runsAsWorker ? installations.sharedInterpreters[spec.pythonVersion] : interpreter
        guard let chosen else {
            log("No Python \(spec.pythonVersion) on this server can be run by the unprivileged user '\(workerUser)' that setup "
                + "scripts run as (the installed one is in a private folder): the operator can install the distribution's python\(spec.pythonVersion)")
            throw SlipwayError.badRequest("the setup script cannot run: no Python \(spec.pythonVersion) usable by '\(workerUser)'")
        }
        // Built in place: console scripts (and a setup script's installs) name the environment's
        // own path in their `#!` line, so it must not move. Only the ready marker, written last,
        // makes it visible; a folder without one is a build that was interrupted.
        let fileManager = FileManager.default
        let folder = directory(key: key)
        try? fileManager.removeItem(at: folder)
        var built = false
        defer { if !built { try? fileManager.removeItem(at: folder) } }
        let python = folder.appendingPathComponent("bin/python").path
        log("Creating a Python \(spec.pythonVersion) environment with \(builder)")
        let started = Date()
        if let uv = uvPath {
            // A setup script may call `pip`: uv seeds it into the environment.
            try await step(uv, ["venv", "--quiet"] + (spec.setup == nil ? [] : ["--seed"]) + ["--python", chosen, folder.path],
                           log: log, what: "creating the virtual environment")
        } else {
            try await step(chosen, ["-m", "venv", folder.path], log: log, what: "creating the virtual environment")
        }
        let requirements = spec.requirements.trimmingCharacters(in: .whitespacesAndNewlines)
        let requiresSomething = requirements.split(whereSeparator: \.isNewline).contains {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return !line.isEmpty && !line.hasPrefix("#")
        }
        if requiresSomething {
            let file = folder.appendingPathComponent("slipway-requirements.txt")
            try requirements.write(to: file, atomically: true, encoding: .utf8)
            log("Installing requirements")
            if let uv = uvPath {
                try await step(uv, ["pip", "install", "--compile-bytecode", "--python", python, "-r", file.path], log: log,
                               what: "installing requirements")
            } else {
                try await step(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-r", file.path],
                               log: log, what: "installing requirements")
            }
        }
        if let setup = spec.setup {
            try await runSetup(setup, environment: folder, log: log)
        }
        try Data(key.utf8).write(to: folder.appendingPathComponent(".slipway-ready"))
        built = true
        log(String(format: "Environment built in %.1f s", Date().timeIntervalSince(started)))
        guard let handle = environment(key: key) else { throw SlipwayError.internal("environment vanished after build") }
        return handle
    }

    private func step(_ executable: String, _ arguments: [String], log: @escaping @Sendable (String) -> Void,
                      what: String) async throws {
        var env = ProcessInfo.processInfo.environment
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        env["VIRTUAL_ENV"] = nil
        env["PYTHONDONTWRITEBYTECODE"] = nil
        let result = try await ToolRunner.run(executable, arguments, environment: env, line: log)
        guard result.exitCode == 0 else {
            let tail = result.output.suffix(5).joined(separator: " | ")
            throw SlipwayError.badRequest("\(what) failed (exit \(result.exitCode.map(String.init) ?? "signal")): \(tail)")
        }
    }

    static func findExecutable(_ name: String, path: String) -> String? {
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Coalesces concurrent builds of the same key into one task.
actor BuildRegistry {
    private var inFlight: [String: Task<EnvironmentHandle, any Error>] = [:]

    func run(key: String, _ body: @escaping @Sendable () async throws -> EnvironmentHandle) async throws -> EnvironmentHandle {
        if let task = inFlight[key] { return try await task.value }
        let task = Task { try await body() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        return try await task.value
    }
}
