import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// A connection handled with this executor preferred (see `ConnectionPlacement`) reads its
/// requests, runs their handlers and writes the answers on the loop that owns its socket, instead
/// of hopping to the global pool and back twice per request. A job enqueued from the loop itself
/// costs no wake-up; one enqueued from elsewhere (a worker's reader thread completing an
/// execution) wakes the loop once.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
