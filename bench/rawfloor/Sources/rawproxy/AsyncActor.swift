// --mode actor: the same connection code as Async.swift (generated from it: each async function with an A suffix),
// isolated to a global actor whose executor is the loop (LoopExecutor as a SerialExecutor). Calls between
// functions of one actor need no hop (no swift_task_switch), and continuations resume to the actor's executor.
// EXPERIMENTAL and not better: with this 6.3 toolchain each request still hops through libdispatch (the global
// executor): ~31.6k user instructions per request against 26.5k for --mode async (callgrind). Not chased further.

import COpenSSL
import Glibc

@globalActor actor LoopActor {
    static let shared = LoopActor()
    nonisolated var unownedExecutor: UnownedSerialExecutor { sharedLoop.asUnownedSerialExecutor() }
}

@LoopActor extension Proxy {
    /// Parks the task until epoll reports `events` (or an error/hangup) on the client (side 0) or origin (side 1)
    /// fd. Interest changes only when the wanted events differ from those registered (never for small GETs).
    @inline(__always) func waitA(_ c: UnsafeMutablePointer<Conn>, side: Int, _ events: UInt32) async {
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

    func acceptLoopA(_ executor: LoopExecutor) async {
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
                    // (group.addTask { @LoopActor in ... } trips the 6.3 region checker: "pattern ... does not
                    // understand"; an unstructured task started on the actor instead.)
                    Task { @LoopActor in
                        await self.serveA(fd)
                    }
                }
            }
        }
    }

    // MARK: one connection

    /// The connection's task: handshake, then request after request.
    func serveA(_ fd: Int32) async {
        let c = conns + Int(fd)
        guard await handshakeAsyncA(c) else {
            closeConn(c)
            return
        }
        while await nextRequestHeadA(c) {
            guard await sendToOriginA(c), await responseHeadAsyncA(c), await writeClientA(c) else {
                closeConn(c)
                return
            }
            // The body, read from the origin at most `remaining` bytes at a time, each chunk straight to the client.
            while c.pointee.remaining > 0 {
                guard await readOriginA(c, max: min(rbufCap, c.pointee.remaining)) else {
                    closeConn(c)
                    return
                }
                guard await writeClientA(c) else {
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

    func handshakeAsyncA(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        let ssl = c.pointee.ssl
        await waitA(c, side: 0, evIn)
        while true {
            let r = SSL_do_handshake(ssl)
            let sent = sendTLS(c)
            if sent == .failed { return false }
            if r == 1 {
                if sent == .again { guard await flushTLSA(c) else { return false } }
                c.pointee.phase = .idle
                return true
            }
            switch SSL_get_error(ssl, r) {
            case SSL_ERROR_WANT_READ: await waitA(c, side: 0, sent == .again ? evIn | evOut : evIn)
            case SSL_ERROR_WANT_WRITE: await waitA(c, side: 0, evIn | evOut)
            default: return false
            }
        }
    }

    /// Writes the buffered TLS bytes, waiting for the client to become writable as needed.
    func flushTLSA(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        while true {
            switch sendTLS(c) {
            case .done: return true
            case .failed: return false
            case .again: await waitA(c, side: 0, evOut)
            }
        }
    }

    /// Until cin starts with a complete request head, rewritten into oout: one SSL_read per readiness (plus what
    /// OpenSSL already holds), as readClient does. False when the connection ends.
    func nextRequestHeadA(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        let ssl = c.pointee.ssl
        while true {
            switch rewriteRequest(c) {
            case .ready: return true
            case .bad: return false
            case .incomplete: if c.pointee.cinLen >= cinCap { return false }
            }
            if SSL_has_pending(ssl) == 0 { await waitA(c, side: 0, evIn) }
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
                    await waitA(c, side: 0, evOut)
                    continue
                }
                return false  // close_notify, EOF, error
            }
            if outs[Int(c.pointee.cfd)].end > 0 {  // e.g. an answer to a KeyUpdate
                guard await flushTLSA(c) else { return false }
            }
        }
    }

    /// Connects to the origin if needed and writes the request in oout.
    func sendToOriginA(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
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
                await waitA(c, side: 1, evOut)
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
                await waitA(c, side: 1, evOut)
                continue
            }
            return false
        }
        c.pointee.ooutStart = 0
        c.pointee.ooutEnd = 0
        return true
    }

    /// Reads the origin until the response head is complete, then rewrites it (responseHead) for writeClient.
    func responseHeadAsyncA(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
        let base = c.rbuf + headroom
        while true {
            await waitA(c, side: 1, evIn)
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
    func readOriginA(_ c: UnsafeMutablePointer<Conn>, max: Int) async -> Bool {
        let base = c.rbuf + headroom
        while true {
            await waitA(c, side: 1, evIn)
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
    func writeClientA(_ c: UnsafeMutablePointer<Conn>) async -> Bool {
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
                    guard await flushTLSA(c) else { return false }  // the TLS buffer is full: send it, encrypt on
                } else {
                    await waitA(c, side: 0, evOut)  // RAWPROXY_WRITE=direct: the socket is full
                }
                continue
            }
            if e == SSL_ERROR_WANT_READ {
                await waitA(c, side: 0, evIn)
                continue
            }
            return false
        }
        c.pointee.wStart = 0
        c.pointee.wEnd = 0
        return await flushTLSA(c)
    }
}
