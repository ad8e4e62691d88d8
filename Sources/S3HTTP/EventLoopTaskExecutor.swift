public import NIOCore

/// Runs a task's jobs on one event loop: the executor preference of the task that serves a connection, so its
/// requests are answered on the thread that reads and writes the connection's socket.
///
/// Without it each request crossed threads several times (the event loop hands a request part to the task on
/// Swift's global pool, the task hands each response part back), every hop a wake-up and, on a loaded or pinned
/// machine, a context switch. NIO 2.101 offers an event loop as a `SerialExecutor` (for actors) but not as a
/// `TaskExecutor`, hence this small adapter; like NIO's own default, it allocates one closure per job.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor { UnownedTaskExecutor(ordinary: self) }
}
