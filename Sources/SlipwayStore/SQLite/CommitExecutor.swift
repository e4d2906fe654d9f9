import NIOCore
import NIOPosix

/// The thread the group commit runs on: one NIO event loop of its own, used as a task executor.
///
/// A commit is a chain of short steps (statement, answer from SQLite's thread, next statement).
/// On Swift's shared cooperative pool every step would queue behind the request handlers that
/// keep it busy under load, and the commit rate (hence the sustained request rate, which waits
/// on it) would fall to a fraction of what SQLite can do. Here each step runs as soon as its
/// answer arrives.
final class CommitExecutor: TaskExecutor {
    /// One for the process: group commits of every store share the thread.
    static let shared = CommitExecutor()

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let eventLoop: any EventLoop

    private init() {
        eventLoop = group.next()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
