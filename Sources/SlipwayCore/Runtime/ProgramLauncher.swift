import Foundation

/// Runs a Python program (a script of a code package run as `__main__`, not a function call)
/// in a fresh process with its own working directory, streaming its output line by line.
/// Slipway's stand-in modules for client SDKs come after the environment's own packages on
/// the module path, so an installed SDK wins. Cancelling the calling task stops the process
/// (and the processes it started).
public protocol ProgramLauncher: Sendable {
    func run(_ program: ProgramInvocation, log: @escaping @Sendable (LogLine) -> Void) async -> ProgramOutcome
    /// The folder of Slipway's stand-in modules and runner scripts (an absolute `script` of an
    /// invocation may name one of its scripts).
    var standIns: String { get }
}

/// What to run: `python script arguments…` in a copy of `codeDirectory` (`script` relative to
/// it), with exactly `environment` (nothing of the server's own is passed on).
public struct ProgramInvocation: Sendable, Equatable {
    public var runID: String
    public var python: String
    public var script: String
    public var arguments: [String]
    public var codeDirectory: URL
    public var environment: [String: String]
    public var timeout: Duration?
    /// Run it in a network namespace of its own: no connection leaves it (Slipway's API stays
    /// reachable through its Unix socket, if the program is told the socket's path).
    public var isolatedFromNetwork: Bool

    public init(runID: String, python: String, script: String, arguments: [String] = [], codeDirectory: URL,
                environment: [String: String], timeout: Duration?, isolatedFromNetwork: Bool = false) {
        self.runID = runID
        self.python = python
        self.script = script
        self.arguments = arguments
        self.codeDirectory = codeDirectory
        self.environment = environment
        self.timeout = timeout
        self.isolatedFromNetwork = isolatedFromNetwork
    }
}

/// How a program run ended.
public enum ProgramOutcome: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
    case timedOut(Duration)
    /// Stopped because the run was cancelled (a kill).
    case cancelled
    /// The platform could not start it.
    case unavailable(String)
}
