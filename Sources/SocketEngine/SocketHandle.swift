internal import CEventPoll
import Glibc

/// A nonblocking socket registered with a `SocketLoop`, and the one task that may wait on it at a time. Confined to
/// the loop's thread: every method runs there (the serving task runs on the loop), which is what makes the
/// `@unchecked Sendable` sound; `wait`'s cancellation hops there.
package final class SocketHandle: @unchecked Sendable {
    package let fd: CInt
    package let loop: SocketLoop

    /// The events registered with epoll (besides the hangups it always reports); nil while not registered.
    private var interest: UInt32?
    private var waiter: UnsafeContinuation<Void, any Error>?
    private var waitingFor: UInt32 = 0
    private(set) var deadline: ContinuousClock.Instant?
    var isTimed = false
    private(set) var isClosed = false
    /// Called once when the peer hangs up or closes its sending side while no task waits on the socket: how a
    /// connection whose task is busy elsewhere (a store's answer) learns its client left.
    package var onHangUp: (() -> Void)?

    package static let readable = EPOLLIN.rawValue
    package static let writable = EPOLLOUT.rawValue
    static let peerClosed = EPOLLRDHUP.rawValue
    static let failed = EPOLLERR.rawValue | EPOLLHUP.rawValue

    /// Takes ownership of `fd`, which must be nonblocking. Call on the loop's thread.
    package init(fd: CInt, loop: SocketLoop) {
        self.fd = fd
        self.loop = loop
        loop.register(self)
    }

    deinit {
        if !isClosed { Glibc.close(fd) }
    }

    /// Parks the calling task until the socket is ready for `events` (`readable`, `writable`, or both), has failed,
    /// or its peer has hung up; throws `SocketError.timedOut` once `deadline` passes, `CancellationError` when the
    /// task is cancelled, `SocketError.closed` when the socket is closed meanwhile. Call on the loop's thread.
    package func wait(for events: UInt32, until deadline: ContinuousClock.Instant? = nil) async throws {
        guard !isClosed else { throw SocketError.closed }
        precondition(waiter == nil, "two tasks wait on one socket")
        let wanted = events | Self.peerClosed
        if interest != wanted { try setInterest(wanted) }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                waiter = continuation
                waitingFor = events
                if let deadline {
                    self.deadline = deadline
                    loop.addTimed(self, deadline)
                }
            }
        } onCancel: {
            loop.execute { self.end(throwing: CancellationError()) }
        }
    }

    private func setInterest(_ events: UInt32) throws(SocketError) {
        let operation = interest == nil ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
        guard cep_ctl(loop.epoll, operation, fd, events, UInt64(fd)) == 0 else {
            throw SocketError.system("epoll_ctl", errno)
        }
        interest = events
    }

    /// epoll reported `flags` for the socket.
    func ready(_ flags: UInt32) {
        if let waiter, flags & (waitingFor | Self.failed | Self.peerClosed) != 0 {
            self.waiter = nil
            deadline = nil
            waiter.resume()
            return
        }
        // Nobody waits for this (level-triggered epoll would report it at every turn of the loop).
        if flags & Self.failed != 0 {
            // Reported whatever the interest: out of epoll until a task waits again.
            _ = cep_ctl(loop.epoll, EPOLL_CTL_DEL, fd, 0, 0)
            interest = nil
            hangUp()
        } else if flags & Self.peerClosed != 0 {
            try? setInterest(0)
            hangUp()
        } else {
            // Data (a pipelined request) or room to write that nobody asked for yet: hear only of a hangup.
            try? setInterest(Self.peerClosed)
        }
    }

    private func hangUp() {
        guard let onHangUp else { return }
        self.onHangUp = nil
        onHangUp()
    }

    func timeOut() {
        guard let deadline, deadline <= ContinuousClock.now else { return }
        end(throwing: SocketError.timedOut)
    }

    private func end(throwing error: any Error) {
        guard let waiter else { return }
        self.waiter = nil
        deadline = nil
        waiter.resume(throwing: error)
    }

    /// Closes the socket; a task waiting on it hears `SocketError.closed`. Call on the loop's thread.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        onHangUp = nil
        loop.unregister(self)
        Glibc.close(fd)
        end(throwing: SocketError.closed)
    }
}
