// --mode async: the same proxy, with each client connection served by a Swift task (a child of a discarding task
// group) whose task executor is the epoll loop's thread. The connection's code is straight-line async/await:
//
//     while await nextRequestHead(c) { await origin send + response head; write; body }
//
// Each await of I/O readiness parks the task on `withUnsafeContinuation`; the loop resumes the continuation when
// epoll reports the fd, which enqueues the task's job on LoopExecutor (same thread: a plain ring-buffer push, no
// syscall); the loop runs the queued jobs between epoll_wait calls. The I/O itself (SSL_read, SSL_write, read,
// write) is the same nonblocking calls as the state machine's, done by the task on the loop thread; interest stays
// level-triggered EPOLLIN on both fds in the steady state, so a small GET costs the same 2 reads + 2 writes.

import COpenSSL
import Glibc

/// A TaskExecutor that runs jobs on the thread that calls `run`: jobs enqueued on that thread go to a ring buffer
/// (no lock, no syscall); jobs enqueued from other threads go to a locked list and wake the loop with an eventfd.
/// The loop's executor; made on first use, which is on the loop thread (runAsync).
let sharedLoop = LoopExecutor()

final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    let efd: Int32
    let thread: pthread_t
    var ring: UnsafeMutablePointer<UnownedJob>
    var cap = 1024
    var head = 0
    var count = 0
    var lock = pthread_mutex_t()
    var remote: [UnownedJob] = []

    init() {
        efd = shim_eventfd()
        guard efd >= 0 else { fail("eventfd failed") }
        thread = pthread_self()
        ring = .allocate(capacity: cap)
        pthread_mutex_init(&lock, nil)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let j = UnownedJob(job)
        if shim_on_thread(thread) != 0 {
            push(j)
        } else {
            pthread_mutex_lock(&lock)
            remote.append(j)
            pthread_mutex_unlock(&lock)
            var one: UInt64 = 1
            _ = write(efd, &one, 8)
        }
    }

    @inline(__always) func push(_ j: UnownedJob) {
        if count == cap { grow() }
        (ring + ((head + count) & (cap - 1))).initialize(to: j)
        count += 1
    }

    func grow() {
        let bigger = UnsafeMutablePointer<UnownedJob>.allocate(capacity: cap * 2)
        for i in 0..<count { (bigger + i).initialize(to: ring[(head + i) & (cap - 1)]) }
        ring.deallocate()
        ring = bigger
        head = 0
        cap *= 2
    }

    /// The eventfd was readable: take the jobs enqueued from other threads.
    func drainRemote() {
        var value: UInt64 = 0
        _ = read(efd, &value, 8)
        pthread_mutex_lock(&lock)
        let jobs = remote
        remote.removeAll(keepingCapacity: true)
        pthread_mutex_unlock(&lock)
        for j in jobs { push(j) }
    }

    /// Runs the queued jobs, and those they enqueue, until none is left.
    @inline(__always) func runQueued() {
        let me = asUnownedTaskExecutor()
        while count > 0 {
            let j = (ring + head).move()
            head = (head + 1) & (cap - 1)
            count -= 1
            j.runSynchronously(on: me)
        }
    }
}

let eventTag = UInt64.max - 1

extension Proxy {
    func runAsync() -> Never {
        loop = sharedLoop
        guard shim_epoll_ctl(ep, EPOLL_CTL_ADD, loop.efd, evIn, eventTag) == 0 else { fail("epoll_ctl eventfd") }
        let executor: LoopExecutor = loop
        Task(executorPreference: executor) {
            await self.acceptLoop(executor)
        }
        let maxEvents: Int32 = 512
        let events = UnsafeMutableRawPointer.allocate(
            byteCount: shim_epoll_event_size() * Int(maxEvents),
            alignment: 16
        )
        while true {
            executor.runQueued()
            let n = shim_epoll_wait(ep, events, maxEvents, executor.count > 0 ? 0 : -1)
            if n < 0 {
                if errno == EINTR { continue }
                fail("epoll_wait: \(String(cString: strerror(errno)))")
            }
            var i: Int32 = 0
            while i < n {
                let data = shim_ev_data(events, i)
                i += 1
                if data == listenTag {
                    if let k = listenWaiter {
                        listenWaiter = nil
                        k.resume()
                    }
                    continue
                }
                if data == eventTag {
                    executor.drainRemote()
                    continue
                }
                let slot = Int(data)
                if let k = waiters[slot] {
                    waiters[slot] = nil
                    k.resume()  // enqueues the task on `executor` (this thread): run after this batch
                } else {
                    unsolicited(conns + (slot >> 1), side: slot & 1)
                }
            }
        }
    }

    /// An event for an fd nobody waits on (the peer closed, or sent while its task waits on the other fd): stop
    /// watching it until its task waits on it again (level-triggered epoll would report it at every wait).
    func unsolicited(_ c: UnsafeMutablePointer<Conn>, side: Int) {
        if side == 0 {
            guard c.pointee.cfd >= 0, c.pointee.cEvents != 0 else { return }
            c.pointee.cEvents = 0
            _ = shim_epoll_ctl(ep, EPOLL_CTL_MOD, c.pointee.cfd, 0, UInt64(c.pointee.cfd) << 1)
        } else {
            guard c.pointee.ofd >= 0, c.pointee.oEvents != 0 else { return }
            c.pointee.oEvents = 0
            _ = shim_epoll_ctl(ep, EPOLL_CTL_MOD, c.pointee.ofd, 0, UInt64(c.pointee.cfd) << 1 | 1)
        }
    }

    /// Parks the task until epoll reports `events` (or an error/hangup) on the client (side 0) or origin (side 1)
    /// fd. Interest changes only when the wanted events differ from those registered (never for small GETs).
    @inline(__always) func wait(_ c: UnsafeMutablePointer<Conn>, side: Int, _ events: UInt32) async {
        let cfd = c.pointee.cfd
        if side == 0 {
            if c.pointee.cEvents != events {
                c.pointee.cEvents = events
                _ = shim_epoll_ctl(ep, EPOLL_CTL_MOD, cfd, events, UInt64(cfd) << 1)
            }
        } else {
            if c.pointee.oEvents != events {
                c.pointee.oEvents = events
                _ = shim_epoll_ctl(ep, EPOLL_CTL_MOD, c.pointee.ofd, events, UInt64(cfd) << 1 | 1)
            }
        }
        let slot = Int(cfd) << 1 | side
        await withUnsafeContinuation { (k: UnsafeContinuation<Void, Never>) in
            waiters[slot] = k
        }
    }

    // MARK: accepting

    func acceptLoop(_ executor: LoopExecutor) async {
        await withDiscardingTaskGroup { group in
            while true {
                await withUnsafeContinuation { (k: UnsafeContinuation<Void, Never>) in listenWaiter = k }
                while true {
                    let fd = shim_accept4(lfd, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
                    if fd < 0 {
                        if errno == EINTR { continue }
                        break
                    }
                    guard let c = newConn(fd) else { continue }
                    _ = c
                    group.addTask(executorPreference: executor) {
                        await self.serve(fd)
                    }
                }
            }
        }
    }

    /// The same setup as acceptAll's; registered for EPOLLIN.
    func newConn(_ fd: Int32) -> UnsafeMutablePointer<Conn>? {
        if Int(fd) >= maxFD {
            close(fd)
            return nil
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let c = conns + Int(fd)
        let mem = c.pointee.mem ?? .allocate(capacity: slotBytes)
        c.pointee = Conn()
        c.pointee.mem = mem
        c.pointee.cfd = fd
        guard let ssl = SSL_new(ctx) else {
            close(fd)
            c.pointee.cfd = -1
            return nil
        }
        if coalesce {
            outs[Int(fd)] = shim_outbuf(buf: c.tls, start: 0, end: 0, cap: tlsCap)
            guard shim_attach(ssl, fd, outs + Int(fd), outMethod) == 1 else {
                SSL_free(ssl)
                close(fd)
                c.pointee.cfd = -1
                return nil
            }
        } else {
            SSL_set_fd(ssl, fd)
        }
        SSL_set_accept_state(ssl)
        c.pointee.ssl = ssl
        c.pointee.cEvents = evIn
        if shim_epoll_ctl(ep, EPOLL_CTL_ADD, fd, evIn, UInt64(fd) << 1) != 0 {
            closeConn(c)
            return nil
        }
        return c
    }

    // MARK: one connection

    /// The connection's task: handshake, then request after request.
    func serve(_ fd: Int32) async {
        let c = conns + Int(fd)
        guard await handshakeAsync(c) else {
            closeConn(c)
            return
        }
        while await nextRequestHead(c) {
            guard await sendToOrigin(c), await responseHeadAsync(c), await writeClient(c) else {
                closeConn(c)
                return
            }
            // The body, read from the origin at most `remaining` bytes at a time, each chunk straight to the client.
            while c.pointee.remaining > 0 {
                guard await readOrigin(c, max: min(rbufCap, c.pointee.remaining)) else {
                    closeConn(c)
                    return
                }
                guard await writeClient(c) else {
                    closeConn(c)
                    return
                }
            }
            c.pointee.phase = .idle
            c.pointee.rLen = 0
            if !c.pointee.originKeepAlive { closeOrigin(c) }
            if !c.pointee.clientKeepAlive {
                closeConn(c, graceful: true)
                return
            }
        }
        closeConn(c)
    }

    func handshakeAsync(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        let ssl = c.pointee.ssl
        await wait(c, side: 0, evIn)
        while true {
            let r = SSL_do_handshake(ssl)
            let sent = sendTLS(c)
            if sent == .failed { return false }
            if r == 1 {
                if sent == .again { guard await flushTLS(c) else { return false } }
                c.pointee.phase = .idle
                return true
            }
            switch SSL_get_error(ssl, r) {
            case SSL_ERROR_WANT_READ: await wait(c, side: 0, sent == .again ? evIn | evOut : evIn)
            case SSL_ERROR_WANT_WRITE: await wait(c, side: 0, evIn | evOut)
            default: return false
            }
        }
    }

    /// Writes the buffered TLS bytes, waiting for the client to become writable as needed.
    func flushTLS(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        while true {
            switch sendTLS(c) {
            case .done: return true
            case .failed: return false
            case .again: await wait(c, side: 0, evOut)
            }
        }
    }

    /// Until cin starts with a complete request head, rewritten into oout: one SSL_read per readiness (plus what
    /// OpenSSL already holds), as readClient does. False when the connection ends.
    func nextRequestHead(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        let ssl = c.pointee.ssl
        while true {
            switch rewriteRequest(c) {
            case .ready: return true
            case .bad: return false
            case .incomplete: if c.pointee.cinLen >= cinCap { return false }
            }
            if SSL_has_pending(ssl) == 0 { await wait(c, side: 0, evIn) }
            let cin = c.cin
            while c.pointee.cinLen < cinCap {
                let n = SSL_read(ssl, cin + c.pointee.cinLen, Int32(cinCap - c.pointee.cinLen))
                if n > 0 {
                    c.pointee.cinLen += Int(n)
                    if SSL_has_pending(ssl) == 0 { break }
                    continue
                }
                let e = SSL_get_error(ssl, n)
                if e == SSL_ERROR_WANT_READ { break }
                if e == SSL_ERROR_WANT_WRITE {
                    await wait(c, side: 0, evOut)
                    continue
                }
                return false  // close_notify, EOF, error
            }
            if outs[Int(c.pointee.cfd)].end > 0 {  // e.g. an answer to a KeyUpdate
                guard await flushTLS(c) else { return false }
            }
        }
    }

    /// Connects to the origin if needed and writes the request in oout.
    func sendToOrigin(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        c.pointee.phase = .request
        c.pointee.rLen = 0
        c.pointee.originKeepAlive = true
        if c.pointee.ofd >= 0 && c.pointee.oEvents == 0 {
            // Something happened on the idle origin connection (see unsolicited): most likely it closed.
            var byte: UInt8 = 0
            let n = read(c.pointee.ofd, &byte, 1)
            if n > 0 { return false }
            if n == 0 || (errno != EAGAIN && errno != EINTR) { closeOrigin(c) }
        }
        if c.pointee.ofd < 0 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return false }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let r = withUnsafePointer(to: &origin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            c.pointee.ofd = fd
            if r != 0 && errno != EINPROGRESS { return false }
            let want = r != 0 ? evOut : evIn
            c.pointee.oEvents = want
            guard shim_epoll_ctl(ep, EPOLL_CTL_ADD, fd, want, UInt64(c.pointee.cfd) << 1 | 1) == 0 else { return false }
            if r != 0 {
                await wait(c, side: 1, evOut)
                var error: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
                if error != 0 { return false }
            }
        }
        let oout = c.oout
        while c.pointee.ooutStart < c.pointee.ooutEnd {
            let n = write(c.pointee.ofd, oout + c.pointee.ooutStart, c.pointee.ooutEnd - c.pointee.ooutStart)
            if n > 0 {
                c.pointee.ooutStart += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN {
                await wait(c, side: 1, evOut)
                continue
            }
            return false
        }
        c.pointee.ooutStart = 0
        c.pointee.ooutEnd = 0
        return true
    }

    /// Reads the origin until the response head is complete, then rewrites it (responseHead) for writeClient.
    func responseHeadAsync(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        let base = c.rbuf + headroom
        while true {
            await wait(c, side: 1, evIn)
            let n = read(c.pointee.ofd, base + c.pointee.rLen, rbufCap - c.pointee.rLen)
            if n <= 0 {
                if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                return false  // the origin closed or failed mid-exchange
            }
            c.pointee.rLen += n
            guard let headLen = findHeadEnd(base, c.pointee.rLen) else {
                if c.pointee.rLen >= rbufCap { return false }
                continue
            }
            guard responseHead(c, headLen) else { return false }
            c.pointee.phase = .body
            return true
        }
    }

    /// One read of body bytes into rbuf, set as the pending client output.
    func readOrigin(_ c: UnsafeMutablePointer<Conn>, max: Int) async -> Bool {
        let base = c.rbuf + headroom
        while true {
            await wait(c, side: 1, evIn)
            let n = read(c.pointee.ofd, base, max)
            if n <= 0 {
                if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                return false
            }
            c.pointee.remaining -= n
            c.pointee.wStart = headroom
            c.pointee.wEnd = headroom + n
            return true
        }
    }

    /// Writes rbuf[wStart..<wEnd] to the client: SSL_write into the TLS buffer, one write(2) of it; waits for the
    /// client when it cannot take more (backpressure: the origin is not read meanwhile).
    func writeClient(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        let ssl = c.pointee.ssl
        let rbuf = c.rbuf
        while c.pointee.wStart < c.pointee.wEnd {
            let n = SSL_write(ssl, rbuf + c.pointee.wStart, Int32(c.pointee.wEnd - c.pointee.wStart))
            if n > 0 {
                c.pointee.wStart += Int(n)
                continue
            }
            let e = SSL_get_error(ssl, n)
            if e == SSL_ERROR_WANT_WRITE {
                let o = outs + Int(c.pointee.cfd)
                if o.pointee.end > o.pointee.start {
                    guard await flushTLS(c) else { return false }  // the TLS buffer is full: send it, encrypt on
                } else {
                    await wait(c, side: 0, evOut)  // RAWPROXY_WRITE=direct: the socket is full
                }
                continue
            }
            if e == SSL_ERROR_WANT_READ {
                await wait(c, side: 0, evIn)
                continue
            }
            return false
        }
        c.pointee.wStart = 0
        c.pointee.wEnd = 0
        return await flushTLS(c)
    }
}
