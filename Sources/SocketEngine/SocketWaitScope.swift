/// One cancellation handler for every socket wait of a task, in place of one per wait.
///
/// `SocketHandle.wait` must end when its task is cancelled (a client that left cancels the serving of its
/// connection, and the store's answer it waits for is abandoned). On its own, each wait installs a cancellation
/// handler with `withTaskCancellationHandler`: two task allocations and a status record added and removed under the
/// task's status lock, every time, and a serving task waits twice per request (its client's next request, the
/// store's answer). Inside `run(on:_:)` the task's waits on `loop`'s sockets share the one handler installed there:
/// each wait names its socket in the scope, and cancellation ends the wait of the socket named, on the loop.
///
/// Waits on another loop's sockets, waits of tasks outside any scope, and waits of other tasks that inherited the
/// scope (a child task, or an unstructured one made inside it: task-locals pass to them, cancellation handlers do
/// not) install their own handler as before.
package final class SocketWaitScope: @unchecked Sendable {
    /// The loop whose sockets' waits this scope ends.
    package let loop: SocketLoop
    /// The address of the task whose cancellation handler this is: compared, never followed.
    private let owner: UnsafeRawPointer?
    /// The socket the task waits on now, if it is one of `loop`'s. Read and written on the loop's thread only, which
    /// is where the task's waits start and end and where cancellation is sent: that is what makes the
    /// `@unchecked Sendable` sound.
    var waiting: SocketHandle?

    @TaskLocal static var current: SocketWaitScope?

    private init(loop: SocketLoop) {
        self.loop = loop
        owner = Self.currentTask
    }

    /// The scope whose handler ends the calling task's waits on `loop`'s sockets, if any.
    static func covering(_ loop: SocketLoop) -> SocketWaitScope? {
        guard let scope = current, scope.loop === loop, let owner = scope.owner, owner == currentTask else {
            return nil
        }
        return scope
    }

    /// The calling task's address, as a plain pointer: `UnsafeCurrentTask` holds the task strongly, and kept or
    /// compared as it is, costs a retain and a release per copy (about 1,200 instructions per wait, measured).
    private static var currentTask: UnsafeRawPointer? {
        withUnsafeCurrentTask { task in
            guard let task else { return nil }
            return unsafeBitCast(task, to: UnsafeRawPointer.self)
        }
    }

    /// Runs `operation` (in a task on `loop`) with one cancellation handler for all its waits on `loop`'s sockets.
    package static func run<Result>(on loop: SocketLoop, _ operation: () async -> Result) async -> Result {
        let scope = SocketWaitScope(loop: loop)
        return await withTaskCancellationHandler {
            await $current.withValue(scope) { await operation() }
        } onCancel: {
            // The task is already flagged as cancelled: a wait that starts after this sees it (`Task.isCancelled`),
            // and one under way is ended here. Both happen on the loop's thread, one after the other.
            loop.execute { scope.waiting?.interrupt(with: CancellationError()) }
        }
    }
}
