import Foundation
import SlipwayCore
import Synchronization

/// The task-script steps running now, by run id: what the task-runtime routes need to know
/// about the caller (its workflow, pipeline and input file) beyond its token.
final class TetraStepRuns: Sendable {
    struct Run: Sendable {
        var workflowID: String
        var pipelineID: String
        var workspaceID: String
        var organization: String
        var inputPath: String?
    }

    private let runs = Mutex<[String: Run]>([:])

    func started(_ run: Run, id: String) { runs.withLock { $0[id] = run } }
    func ended(id: String) { _ = runs.withLock { $0.removeValue(forKey: id) } }
    func run(id: String) -> Run? { runs.withLock { $0[id] } }
}
