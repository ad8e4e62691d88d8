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
    /// The events the waiting task wakes for (`wait`'s, and a reader's `peerClosed`).
    private var waitingFor: UInt32 = 0
    private(set) var deadline: ContinuousClock.Instant?
    var isTimed = false
    package private(set) var isClosed = false
    /// Called once when the peer hangs up or closes its sending side while no task waits on the socket: how a
    /// connection whose task is busy elsewhere (a store's answer) learns its client left.
    package var onHangUp: (() -> Void)?

    package static let readable = EPOLLIN.rawValue
    package static let writable = EPOLLOUT.rawValue
    package static let peerClosed = EPOLLRDHUP.rawValue
    package static let failed = EPOLLERR.rawValue | EPOLLHUP.rawValue

    /// Takes ownership of `fd`, which must be nonblocking. Call on the loop's thread.
    package init(fd: CInt, loop: SocketLoop) {
        self.fd = fd
        self.loop = loop
        loop.register(self)
        // Registered at once, for hangups only: a peer that leaves before any wait (a request read whole at its
        // first try, then a store awaited) is still heard of.
        try? setInterest(Self.peerClosed)
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
        // A deadline already past ends the wait at once: a socket that wakes its task at every turn without letting
        // it progress could otherwise keep it from ever timing out (the loop looks at deadlines between turns).
        if let deadline, deadline <= .now { throw SocketError.timedOut }
        // A reader also hears of the peer closing its sending side (a read then finds the end); a writer does not:
        // a client that half-closed may still read, and level-triggered, that event would wake the writer at every
        // turn while the socket stays full.
        let wanted = events & Self.readable != 0 ? events | Self.peerClosed : events
        if interest != wanted { try setInterest(wanted) }
        if let scope = SocketWaitScope.covering(loop) {
            // The task's one cancellation handler ends this wait (`SocketWaitScope`).
            defer { scope.waiting = nil }
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                scope.waiting = self
                park(continuation, for: wanted, until: deadline)
            }
            return
        }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                park(continuation, for: wanted, until: deadline)
            }
        } onCancel: {
            loop.execute { self.end(throwing: CancellationError()) }
        }
    }

    /// Makes `continuation` the waiter, woken by `events` or ended at `deadline`.
    private func park(
        _ continuation: UnsafeContinuation<Void, any Error>,
        for events: UInt32,
        until deadline: ContinuousClock.Instant?
    ) {
        waiter = continuation
        waitingFor = events
        if let deadline {
            self.deadline = deadline
            loop.addTimed(self, deadline)
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
        if let waiter, flags & (waitingFor | Self.failed) != 0 {
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

    /// Ends the wait under way, if any, with `error` (a server draining its idle connections). Call on the loop's
    /// thread.
    package func interrupt(with error: any Error) {
        end(throwing: error)
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

extension SocketHandle {
    /// Copies what has arrived into `buffer` (up to its count) without taking it from the socket: a header in front
    /// of the stream (PROXY protocol) is read this way, so that the bytes after it stay for TLS.
    package func peek(into buffer: inout [UInt8]) throws(SocketError) -> StreamProgress {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, CInt(MSG_PEEK)) }
            if count > 0 { return .moved(count) }
            if count == 0 { return .ended }
            switch errno {
            case EINTR: continue
            case EAGAIN: return .blocked(Self.readable)
            case ECONNRESET: return .ended
            case let code: throw SocketError.system("recv", code)
            }
        }
    }

    /// Takes `count` bytes that `peek` saw from the socket.
    package func discard(_ count: Int) throws(SocketError) {
        var scratch = [UInt8](repeating: 0, count: count)
        var taken = 0
        while taken < count {
            let got = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - taken, 0) }
            if got > 0 {
                taken += got
            } else if got < 0, errno == EINTR {
                continue
            } else {
                throw SocketError.system("recv", got == 0 ? ECONNRESET : errno)
            }
        }
    }
}
