import Foundation

/// The runs in progress in this process, by job, so that a kill can stop them.
final class RunningJobs: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [String: (jobID: String, task: Task<Void, Never>)] = [:]

    func started(_ task: Task<Void, Never>, runID: String, jobID: String) {
        lock.lock()
        tasks[runID] = (jobID, task)
        lock.unlock()
    }

    func finished(runID: String, jobID: String) {
        lock.lock()
        tasks[runID] = nil
        lock.unlock()
    }

    func isRunning(_ runID: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return tasks[runID] != nil
    }

    func count(jobID: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return tasks.values.filter { $0.jobID == jobID }.count
    }

    /// Cancels the job's runs; answers how many were running.
    func cancel(jobID: String) -> Int {
        lock.lock()
        let matching = tasks.values.filter { $0.jobID == jobID }
        lock.unlock()
        for entry in matching { entry.task.cancel() }
        return matching.count
    }
}
