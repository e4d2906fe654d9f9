import Foundation
import Synchronization

@testable import SlipwayCore

/// An `EnvironmentProvider` that builds nothing: `ensure` answers at once with a key derived
/// from the spec (or fails with `failure` when one is set), and can be held to keep steps
/// pending. Knows Python 3.11 and 3.12 and the system packages in `systemPackages`.
final class FakeEnvironmentProvider: EnvironmentProvider, Sendable {
    private struct State {
        var failure: String?
        var built: [String: EnvironmentHandle] = [:]
        var specs: [EnvironmentSpec] = []
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    let systemPackages: Set<String>

    init(systemPackages: Set<String> = ["libgomp1"]) {
        self.systemPackages = systemPackages
    }

    func availablePythonVersions() -> [String] { ["3.11", "3.12"] }

    var defaultPythonVersion: String { "3.12" }

    /// Makes later builds fail with this reason (nil: they succeed).
    func failBuilds(_ reason: String?) { state.withLock { $0.failure = reason } }

    /// Builds wait (in `ensure`) until `release()`.
    func hold() { state.withLock { $0.held = true } }

    func release() {
        let waiting = state.withLock { state in
            state.held = false
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Specs passed to `ensure`, in order.
    var requestedSpecs: [EnvironmentSpec] { state.withLock { $0.specs } }

    /// Forgets a built environment (as if its folder were deleted).
    func forget(key: String) { _ = state.withLock { $0.built.removeValue(forKey: key) } }

    static func key(for spec: EnvironmentSpec) -> String {
        AccountService.hash("\(spec.pythonVersion)\n\(spec.requirements)\n\(spec.systemDependencies.joined(separator: ","))")
    }

    func validate(_ spec: EnvironmentSpec) async throws(SlipwayError) {
        guard availablePythonVersions().contains(spec.pythonVersion) else {
            throw .badRequest("Python \(spec.pythonVersion) is not available")
        }
        for package in spec.systemDependencies where !systemPackages.contains(package) {
            throw .badRequest("system dependency '\(package)' is not installed")
        }
    }

    func ensure(_ spec: EnvironmentSpec, log: @escaping @Sendable (String) -> Void) async throws -> EnvironmentHandle {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state -> Bool in
                state.specs.append(spec)
                if state.held { state.waiting.append(continuation) }
                return state.held
            }
            if !wait { continuation.resume() }
        }
        log("resolving \(spec.requirements.isEmpty ? "no requirements" : spec.requirements)")
        if let failure = state.withLock({ $0.failure }) { throw SlipwayError.badRequest(failure) }
        let handle = EnvironmentHandle(key: Self.key(for: spec), pythonExecutable: "/fake/python\(spec.pythonVersion)")
        state.withLock { $0.built[handle.key] = handle }
        return handle
    }

    func environment(key: String) -> EnvironmentHandle? {
        state.withLock { $0.built[key] }
    }
}
