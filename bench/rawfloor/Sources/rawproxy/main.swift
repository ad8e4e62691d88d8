// rawproxy: an HTTPS reverse proxy without SwiftNIO. One thread, level-triggered epoll, nonblocking sockets,
// the system's OpenSSL 3. Per client connection: one TLS session (SSL_set_fd) and one keep-alive plain HTTP/1.1
// connection to the origin, opened at the first request. GET/HEAD (no request bodies); responses must carry
// Content-Length (or have no body), and are streamed with backpressure through one 64 KiB buffer.
//
//   rawproxy --listen 127.0.0.1:PORT --origin 127.0.0.1:18080 --certificate server.pem --key server-key.pem
//
// Why level-triggered: with OpenSSL reading the socket itself (SSL_set_fd, read-ahead on), the proxy cannot tell
// whether a read drained the socket, so edge-triggered epoll would need one more read per request (the one that
// returns EAGAIN). Level-triggered epoll lets every readiness be one read; what OpenSSL buffered beyond it is seen
// with SSL_has_pending. Interest changes (epoll_ctl) happen only under backpressure (a client that cannot take more,
// an origin that cannot take the request at once) and when an origin connection is opened, never per small request.

import COpenSSL
import Glibc

let cinCap = 16 * 1024  // client plaintext in (request heads)
let hostRoom = 256
let ooutCap = cinCap + hostRoom  // the request as forwarded to the origin
let headroom = 512  // room before the origin's bytes, for a response head that grows (Connection: close)
let rbufCap = 64 * 1024  // origin bytes in, client plaintext out
let tlsCap = 72 * 1024  // TLS records out: a 64 KiB chunk's four records fit, written with one write(2)
let slotBytes = cinCap + ooutCap + headroom + rbufCap + tlsCap
/// RAWPROXY_WRITE=direct: OpenSSL writes each record to the socket itself (SSL_set_fd), one write(2) per record.
let coalesce = String(cString: getenv("RAWPROXY_WRITE") ?? strdup("")) != "direct"

let evIn: UInt32 = 0x001
let evOut: UInt32 = 0x004
let evErr: UInt32 = 0x008
let evHup: UInt32 = 0x010
let listenTag = UInt64.max

enum Phase: UInt8 {
    case handshake
    /// Between requests.
    case idle
    /// The request is (being) sent to the origin; waiting for the response head.
    case request
    /// The response head went out; `remaining` body bytes are still to come from the origin.
    case body
}

/// One client connection and its origin connection; trivial (no references), kept in a table indexed by the client
/// fd, so nothing on the hot path retains or releases.
struct Conn {
    var cfd: Int32 = -1
    var ofd: Int32 = -1
    var ssl: OpaquePointer? = nil
    var mem: UnsafeMutablePointer<UInt8>? = nil  // cin | oout | headroom + rbuf, allocated once per slot
    var cinLen = 0
    var ooutStart = 0
    var ooutEnd = 0
    var rLen = 0  // origin bytes at rbuf + headroom (head phase)
    var wStart = 0  // client output pending in rbuf
    var wEnd = 0
    var remaining = 0
    var phase = Phase.handshake
    var cEvents: UInt32 = 0
    var oEvents: UInt32 = 0
    var oConnecting = false
    var isHead = false
    var clientKeepAlive = true
    var originKeepAlive = true
    var readWantsWrite = false
    var writeWantsRead = false
}

extension UnsafeMutablePointer where Pointee == Conn {
    @inline(__always) var cin: UnsafeMutablePointer<UInt8> { pointee.mem! }
    @inline(__always) var oout: UnsafeMutablePointer<UInt8> { pointee.mem! + cinCap }
    /// rbuf[0..<headroom] is the headroom; the origin's bytes start at rbuf + headroom.
    @inline(__always) var rbuf: UnsafeMutablePointer<UInt8> { pointee.mem! + cinCap + ooutCap }
    @inline(__always) var tls: UnsafeMutablePointer<UInt8> { pointee.mem! + cinCap + ooutCap + headroom + rbufCap }
}

func fail(_ message: String) -> Never {
    shim_say("rawproxy: \(message)\n", 1)
    exit(1)
}

func parseAddress(_ text: String) -> sockaddr_in {
    guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
        fail("expected IP:PORT, not '\(text)'")
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    guard inet_pton(AF_INET, String(text[..<colon]), &address.sin_addr) == 1 else {
        fail("bad IPv4 address in '\(text)'")
    }
    return address
}

@inline(__always) func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b | 0x20 : b }

/// Whether the header name at p (length n) is `name` (lowercase), ignoring case.
@inline(__always) func nameIs(_ p: UnsafePointer<UInt8>, _ n: Int, _ name: StaticString) -> Bool {
    guard n == name.utf8CodeUnitCount else { return false }
    let q = name.utf8Start
    for i in 0..<n where lower(p[i]) != q[i] { return false }
    return true
}

/// Whether the value at p (length n) contains the token `word` (lowercase), ignoring case.
func containsWord(_ p: UnsafePointer<UInt8>, _ n: Int, _ word: StaticString) -> Bool {
    let m = word.utf8CodeUnitCount
    let q = word.utf8Start
    if n < m { return false }
    var i = 0
    outer: while i + m <= n {
        for j in 0..<m where lower(p[i + j]) != q[j] {
            i += 1
            continue outer
        }
        return true
    }
    return false
}

/// What a `Connection` field's value (at p, length n) says of keep-alive: false for `close`, true for `keep-alive`,
/// nil when it names neither.
func keepAliveToken(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
    if containsWord(p, n, "close") { return false }
    if containsWord(p, n, "keep-alive") { return true }
    return nil
}

@inline(__always) func findHeadEnd(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    guard n >= 4, let hit = shim_memmem(p, n, "\r\n\r\n", 4) else { return nil }
    return hit.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: p) + 4
}

@inline(__always) func findCRLF(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    // The head ends with CRLF CRLF, so a CR is always found before `to`.
    var i = from
    while i < to {
        guard let r = memchr(p + i, 13, to - i) else { return to }
        let at = r.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: p)
        if at + 1 < to && p[at + 1] == 10 { return at }
        i = at + 1
    }
    return to
}

final class Proxy: @unchecked Sendable {  // one thread: all state is the loop thread's
    let ep: Int32
    let lfd: Int32
    let ctx: OpaquePointer
    var origin: sockaddr_in
    let hostLine: UnsafeMutablePointer<UInt8>
    let hostLineLen: Int
    let conns: UnsafeMutablePointer<Conn>
    /// TLS bytes out, per client fd (the write BIO's state: buf, start, end, cap).
    let outs: UnsafeMutablePointer<shim_outbuf>
    let outMethod: OpaquePointer?
    let maxFD: Int
    let lines: UnsafeMutablePointer<Int>  // scratch: kept header lines (start, length)
    let maxLines = 256
    let statusScratch: UnsafeMutablePointer<UInt8>
    // --mode async (Async.swift): the continuation parked on each fd (index: client fd << 1 | side), the listener's.
    let waiters: UnsafeMutablePointer<UnsafeContinuation<Void, Never>?>
    var listenWaiter: UnsafeContinuation<Void, Never>? = nil
    var loop: LoopExecutor! = nil

    init(listen: sockaddr_in, origin: sockaddr_in, originHost: String, certificate: String, key: String) {
        self.origin = origin
        signal(SIGPIPE, SIG_IGN)

        guard let ctx = SSL_CTX_new(TLS_server_method()) else { fail("SSL_CTX_new failed") }
        self.ctx = ctx
        _ = shim_SSL_CTX_set_min_proto_version(ctx, shim_TLS1_2_VERSION())
        _ = shim_SSL_CTX_set_mode(ctx, shim_MODE_PARTIAL_MOVING())
        _ = shim_SSL_CTX_set_read_ahead(ctx, 1)
        shim_no_renegotiation(ctx)
        shim_set_alpn_http11(ctx)
        guard SSL_CTX_use_certificate_chain_file(ctx, certificate) == 1,
            SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1,
            SSL_CTX_check_private_key(ctx) == 1
        else {
            shim_print_errors()
            fail("cannot load \(certificate) / \(key)")
        }

        let host = Array("Host: \(originHost)\r\n".utf8)
        guard host.count <= hostRoom else { fail("origin host too long") }
        hostLine = .allocate(capacity: host.count)
        hostLine.initialize(from: host, count: host.count)
        hostLineLen = host.count

        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        maxFD = Int(min(limit.rlim_cur, 65536))
        conns = .allocate(capacity: maxFD)
        conns.initialize(repeating: Conn(), count: maxFD)
        outs = .allocate(capacity: maxFD)
        outs.initialize(repeating: shim_outbuf(), count: maxFD)
        outMethod = coalesce ? shim_out_method_new() : nil
        if coalesce && outMethod == nil { fail("BIO_meth_new failed") }
        lines = .allocate(capacity: 2 * maxLines)
        statusScratch = .allocate(capacity: headroom)
        waiters = .allocate(capacity: 2 * maxFD)
        waiters.initialize(repeating: nil, count: 2 * maxFD)

        ep = epoll_create1(Int32(EPOLL_CLOEXEC))
        lfd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard ep >= 0, lfd >= 0 else { fail("epoll_create1/socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = listen
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(lfd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(lfd, 1024) == 0 else { fail("bind/listen: \(String(cString: strerror(errno)))") }
        guard shim_epoll_ctl(ep, EPOLL_CTL_ADD, lfd, evIn, listenTag) == 0 else { fail("epoll_ctl listen") }
    }

    func run() -> Never {
        let maxEvents: Int32 = 512
        let events = UnsafeMutableRawPointer.allocate(
            byteCount: shim_epoll_event_size() * Int(maxEvents),
            alignment: 16
        )
        while true {
            let n = shim_epoll_wait(ep, events, maxEvents, -1)
            if n < 0 {
                if errno == EINTR { continue }
                fail("epoll_wait: \(String(cString: strerror(errno)))")
            }
            var i: Int32 = 0
            while i < n {
                let data = shim_ev_data(events, i)
                let ev = shim_ev_events(events, i)
                i += 1
                if data == listenTag {
                    acceptAll()
                    continue
                }
                let c = conns + Int(data >> 1)
                if data & 1 == 0 { clientEvent(c, ev) } else { originEvent(c, ev) }
            }
        }
    }

    // MARK: connections

    func acceptAll() {
        while true {
            let fd = shim_accept4(lfd, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            if fd < 0 {
                if errno == EINTR { continue }
                return  // EAGAIN, or out of descriptors (the listener stays readable: retried next loop)
            }
            if Int(fd) >= maxFD {
                close(fd)
                continue
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
                continue
            }
            if coalesce {
                outs[Int(fd)] = shim_outbuf(buf: c.tls, start: 0, end: 0, cap: tlsCap)
                guard shim_attach(ssl, fd, outs + Int(fd), outMethod) == 1 else {
                    SSL_free(ssl)
                    close(fd)
                    c.pointee.cfd = -1
                    continue
                }
            } else {
                SSL_set_fd(ssl, fd)
            }
            SSL_set_accept_state(ssl)
            c.pointee.ssl = ssl
            c.pointee.cEvents = evIn
            if shim_epoll_ctl(ep, EPOLL_CTL_ADD, fd, evIn, UInt64(fd) << 1) != 0 { closeConn(c) }
        }
    }

    func closeConn(_ c: UnsafeMutablePointer<Conn>, graceful: Bool = false) {
        guard c.pointee.cfd >= 0 else { return }
        if let ssl = c.pointee.ssl {
            if graceful {  // close_notify, best effort
                SSL_shutdown(ssl)
                _ = sendTLS(c)
            }
            SSL_free(ssl)
        }
        ERR_clear_error()
        close(c.pointee.cfd)
        if c.pointee.ofd >= 0 { close(c.pointee.ofd) }
        let mem = c.pointee.mem
        c.pointee = Conn()
        c.pointee.mem = mem
    }

    func closeOrigin(_ c: UnsafeMutablePointer<Conn>) {
        if c.pointee.ofd >= 0 { close(c.pointee.ofd) }
        c.pointee.ofd = -1
        c.pointee.oEvents = 0
        c.pointee.oConnecting = false
    }

    /// Whether output to the client waits: plaintext not yet taken by SSL_write, or TLS bytes not yet written.
    @inline(__always) func pendingOut(_ c: UnsafeMutablePointer<Conn>) -> Bool {
        let o = outs + Int(c.pointee.cfd)
        return c.pointee.wEnd > c.pointee.wStart || o.pointee.end > o.pointee.start
    }

    enum Sent { case done, again, failed }

    /// Writes the buffered TLS bytes to the client socket (nothing to do when OpenSSL writes the socket itself).
    @inline(__always) func sendTLS(_ c: UnsafeMutablePointer<Conn>) -> Sent {
        let o = outs + Int(c.pointee.cfd)
        while o.pointee.end > o.pointee.start {
            let n = write(c.pointee.cfd, o.pointee.buf + o.pointee.start, o.pointee.end - o.pointee.start)
            if n > 0 {
                o.pointee.start += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { return .again }
            return .failed
        }
        o.pointee.start = 0
        o.pointee.end = 0
        return .done
    }

    /// Client interest: readable unless the request buffer is full; writable while output waits (or a read
    /// needs a write).
    @inline(__always) func updateClient(_ c: UnsafeMutablePointer<Conn>) {
        var want: UInt32 = c.pointee.cinLen < cinCap ? evIn : 0
        if pendingOut(c) && !c.pointee.writeWantsRead { want |= evOut }
        if c.pointee.readWantsWrite { want |= evOut }
        if c.pointee.writeWantsRead { want |= evIn }
        if want != c.pointee.cEvents {
            c.pointee.cEvents = want
            _ = shim_epoll_ctl(ep, EPOLL_CTL_MOD, c.pointee.cfd, want, UInt64(c.pointee.cfd) << 1)
        }
    }

    /// Origin interest: readable unless client output waits (backpressure); writable while connecting or while the
    /// request has not all gone.
    @inline(__always) func updateOrigin(_ c: UnsafeMutablePointer<Conn>) {
        guard c.pointee.ofd >= 0 else { return }
        var want: UInt32 = pendingOut(c) ? 0 : evIn
        if c.pointee.oConnecting || c.pointee.ooutEnd > c.pointee.ooutStart { want |= evOut }
        if want != c.pointee.oEvents {
            c.pointee.oEvents = want
            _ = shim_epoll_ctl(ep, EPOLL_CTL_MOD, c.pointee.ofd, want, UInt64(c.pointee.cfd) << 1 | 1)
        }
    }

    // MARK: client side

    func clientEvent(_ c: UnsafeMutablePointer<Conn>, _ ev: UInt32) {
        guard c.pointee.cfd >= 0 else { return }
        if c.pointee.phase == .handshake {
            handshake(c)
            return
        }
        if ev & (evOut | evErr | evHup) != 0 || (c.pointee.writeWantsRead && ev & evIn != 0) {
            if c.pointee.readWantsWrite {
                c.pointee.readWantsWrite = false
                readClient(c)
                guard c.pointee.cfd >= 0 else { return }
            }
            if pendingOut(c) {
                flushClient(c)
                guard c.pointee.cfd >= 0 else { return }
            }
        }
        if ev & (evIn | evErr | evHup) != 0 && c.pointee.cinLen < cinCap && !c.pointee.writeWantsRead {
            readClient(c)
        }
    }

    func handshake(_ c: UnsafeMutablePointer<Conn>) {
        let ssl = c.pointee.ssl
        let r = SSL_do_handshake(ssl)
        let sent = sendTLS(c)
        if sent == .failed {
            closeConn(c)
            return
        }
        if r == 1 {
            c.pointee.phase = .idle
            updateClient(c)
            if SSL_has_pending(ssl) != 0 { readClient(c) }
            return
        }
        var want: UInt32
        switch SSL_get_error(ssl, r) {
        case SSL_ERROR_WANT_READ: want = evIn
        case SSL_ERROR_WANT_WRITE: want = evIn | evOut
        default:
            closeConn(c)
            return
        }
        if sent == .again { want |= evOut }
        if want != c.pointee.cEvents {
            c.pointee.cEvents = want
            _ = shim_epoll_ctl(ep, EPOLL_CTL_MOD, c.pointee.cfd, want, UInt64(c.pointee.cfd) << 1)
        }
    }

    /// One SSL_read per readiness (plus whatever OpenSSL already holds), then the next request if idle.
    func readClient(_ c: UnsafeMutablePointer<Conn>) {
        let ssl = c.pointee.ssl
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
                c.pointee.readWantsWrite = true
                break
            }
            closeConn(c)  // close_notify, EOF, error
            return
        }
        if outs[Int(c.pointee.cfd)].end > 0 && sendTLS(c) == .failed {  // e.g. an answer to a KeyUpdate
            closeConn(c)
            return
        }
        if c.pointee.phase == .idle && c.pointee.cinLen > 0 {
            processRequest(c)
            guard c.pointee.cfd >= 0 else { return }
        }
        updateClient(c)
    }

    /// Writes the pending output (rbuf[wStart..<wEnd]) to the client: SSL_write encrypts into the TLS buffer (or, with
    /// RAWPROXY_WRITE=direct, to the socket), the buffer goes out with one write(2). When it has all gone, reads the
    /// origin again or ends the exchange; when the client cannot take more, waits for it to become writable with the
    /// origin not read meanwhile.
    func flushClient(_ c: UnsafeMutablePointer<Conn>) {
        let ssl = c.pointee.ssl
        let rbuf = c.rbuf
        c.pointee.writeWantsRead = false
        while true {
            var full = false
            while c.pointee.wStart < c.pointee.wEnd {
                let n = SSL_write(ssl, rbuf + c.pointee.wStart, Int32(c.pointee.wEnd - c.pointee.wStart))
                if n > 0 {
                    c.pointee.wStart += Int(n)
                    continue
                }
                let e = SSL_get_error(ssl, n)
                if e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ {
                    c.pointee.writeWantsRead = e == SSL_ERROR_WANT_READ
                    full = true
                    break
                }
                closeConn(c)
                return
            }
            switch sendTLS(c) {
            case .failed:
                closeConn(c)
                return
            case .again:
                full = true
            case .done:
                // The TLS buffer was full and has gone: encrypt the rest.
                if full && coalesce && !c.pointee.writeWantsRead { continue }
            }
            if full {
                updateClient(c)  // backpressure: the client's writability, not the origin, drives us now
                updateOrigin(c)
                return
            }
            break
        }
        c.pointee.wStart = 0
        c.pointee.wEnd = 0
        if c.pointee.phase == .body && c.pointee.remaining == 0 {
            finishResponse(c)
        } else {
            updateClient(c)
            updateOrigin(c)
        }
    }

    func finishResponse(_ c: UnsafeMutablePointer<Conn>) {
        c.pointee.phase = .idle
        c.pointee.rLen = 0
        if !c.pointee.originKeepAlive { closeOrigin(c) }
        if !c.pointee.clientKeepAlive {
            closeConn(c, graceful: true)
            return
        }
        updateOrigin(c)
        if SSL_has_pending(c.pointee.ssl) != 0 {
            readClient(c)
        } else {
            if c.pointee.cinLen > 0 {
                processRequest(c)
                guard c.pointee.cfd >= 0 else { return }
            }
            updateClient(c)
        }
    }

    // MARK: requests

    /// Forwards the request head at the start of cin, if complete: request line unchanged (version made 1.1), Host
    /// the origin's, hop-by-hop fields dropped. No request bodies.
    func processRequest(_ c: UnsafeMutablePointer<Conn>) {
        switch rewriteRequest(c) {
        case .incomplete:
            if c.pointee.cinLen >= cinCap { closeConn(c) }
            return
        case .bad:
            closeConn(c)
            return
        case .ready: break
        }
        c.pointee.phase = .request
        c.pointee.rLen = 0
        c.pointee.originKeepAlive = true
        if c.pointee.ofd < 0 {
            connectOrigin(c)
        } else {
            sendOrigin(c)
        }
    }

    enum Rewrite { case incomplete, bad, ready }

    /// Rewrites the complete request head at the start of cin (if there is one) into oout, and drops it from cin.
    /// Shared by both modes.
    func rewriteRequest(_ c: UnsafeMutablePointer<Conn>) -> Rewrite {
        let cin = c.cin
        let len = c.pointee.cinLen
        guard let headLen = findHeadEnd(cin, len) else { return .incomplete }
        let oout = c.oout
        // Request line.
        let lineEnd = findCRLF(cin, from: 0, to: headLen)
        guard lineEnd >= 14, memcmp(cin + lineEnd - 8, "HTTP/1.", 7) == 0 else {
            return .bad
        }
        c.pointee.isHead = lineEnd >= 5 && memcmp(cin, "HEAD ", 5) == 0
        var keepAlive = cin[lineEnd - 1] == UInt8(ascii: "1")
        memcpy(oout, cin, lineEnd + 2)
        oout[lineEnd - 1] = UInt8(ascii: "1")
        var o = lineEnd + 2
        memcpy(oout + o, hostLine, hostLineLen)
        o += hostLineLen
        // Headers.
        var p = lineEnd + 2
        while p < headLen - 2 {
            let e = findCRLF(cin, from: p, to: headLen)
            let lineLen = e - p
            guard let colon = memchr(cin + p, 58, lineLen) else {
                return .bad
            }
            let nameLen = colon.assumingMemoryBound(to: UInt8.self) - (cin + p)
            var keep = true
            switch lower(cin[p]) {
            case UInt8(ascii: "h"): keep = !nameIs(cin + p, nameLen, "host")
            case UInt8(ascii: "c"):
                if nameIs(cin + p, nameLen, "connection") {
                    keep = false
                    if let said = keepAliveToken(cin + p + nameLen + 1, lineLen - nameLen - 1) { keepAlive = said }
                } else if nameIs(cin + p, nameLen, "content-length") {
                    var q = p + nameLen + 1
                    while q < e && (cin[q] == 32 || cin[q] == 9 || cin[q] == 48) { q += 1 }
                    if q != e {  // a body: not supported
                        return .bad
                    }
                }
            case UInt8(ascii: "k"): keep = !nameIs(cin + p, nameLen, "keep-alive")
            case UInt8(ascii: "p"): keep = !nameIs(cin + p, nameLen, "proxy-connection")
            case UInt8(ascii: "t"):
                if nameIs(cin + p, nameLen, "transfer-encoding") {
                    return .bad
                }
                keep = !(nameIs(cin + p, nameLen, "te") || nameIs(cin + p, nameLen, "trailer"))
            case UInt8(ascii: "u"): keep = !nameIs(cin + p, nameLen, "upgrade")
            default: break
            }
            if keep {
                memcpy(oout + o, cin + p, lineLen + 2)
                o += lineLen + 2
            }
            p = e + 2
        }
        oout[o] = 13
        oout[o + 1] = 10
        o += 2
        c.pointee.clientKeepAlive = keepAlive
        c.pointee.ooutStart = 0
        c.pointee.ooutEnd = o
        let rest = len - headLen
        if rest > 0 { memmove(cin, cin + headLen, rest) }
        c.pointee.cinLen = rest
        return .ready
    }

    // MARK: origin side

    func connectOrigin(_ c: UnsafeMutablePointer<Conn>) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            closeConn(c)
            return
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let r = withUnsafePointer(to: &origin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        c.pointee.ofd = fd
        if r != 0 {
            guard errno == EINPROGRESS else {
                closeConn(c)
                return
            }
            c.pointee.oConnecting = true
        }
        let want = c.pointee.oConnecting ? evIn | evOut : evIn
        c.pointee.oEvents = want
        guard shim_epoll_ctl(ep, EPOLL_CTL_ADD, fd, want, UInt64(c.pointee.cfd) << 1 | 1) == 0 else {
            closeConn(c)
            return
        }
        if !c.pointee.oConnecting { sendOrigin(c) }
    }

    func sendOrigin(_ c: UnsafeMutablePointer<Conn>) {
        let oout = c.oout
        while c.pointee.ooutStart < c.pointee.ooutEnd {
            let n = write(c.pointee.ofd, oout + c.pointee.ooutStart, c.pointee.ooutEnd - c.pointee.ooutStart)
            if n > 0 {
                c.pointee.ooutStart += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { break }
            closeConn(c)
            return
        }
        if c.pointee.ooutStart == c.pointee.ooutEnd {
            c.pointee.ooutStart = 0
            c.pointee.ooutEnd = 0
        }
        updateOrigin(c)
    }

    func originEvent(_ c: UnsafeMutablePointer<Conn>, _ ev: UInt32) {
        guard c.pointee.cfd >= 0, c.pointee.ofd >= 0 else { return }  // a stale event of a closed connection
        if c.pointee.oConnecting {
            guard ev & (evOut | evErr | evHup) != 0 else { return }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(c.pointee.ofd, SOL_SOCKET, SO_ERROR, &error, &size)
            if error != 0 {
                closeConn(c)
                return
            }
            c.pointee.oConnecting = false
            sendOrigin(c)
            return
        }
        if ev & evOut != 0 && c.pointee.ooutEnd > c.pointee.ooutStart {
            sendOrigin(c)
            guard c.pointee.cfd >= 0 else { return }
        }
        if ev & (evIn | evErr | evHup) != 0 && !pendingOut(c) { readOrigin(c) }
    }

    /// One read of the origin per readiness: the response head (parsed and rewritten in place), or body bytes; then
    /// straight to the client.
    func readOrigin(_ c: UnsafeMutablePointer<Conn>) {
        let rbuf = c.rbuf
        let base = rbuf + headroom
        switch c.pointee.phase {
        case .request:
            let n = read(c.pointee.ofd, base + c.pointee.rLen, rbufCap - c.pointee.rLen)
            if n <= 0 {
                if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
                closeConn(c)  // the origin closed or failed mid-exchange
                return
            }
            c.pointee.rLen += n
            guard let headLen = findHeadEnd(base, c.pointee.rLen) else {
                if c.pointee.rLen >= rbufCap { closeConn(c) }
                return
            }
            guard responseHead(c, headLen) else {
                closeConn(c)
                return
            }
            c.pointee.phase = .body
            flushClient(c)
        case .body:
            let n = read(c.pointee.ofd, base, min(rbufCap, c.pointee.remaining))
            if n <= 0 {
                if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
                closeConn(c)
                return
            }
            c.pointee.remaining -= n
            c.pointee.wStart = headroom
            c.pointee.wEnd = headroom + n
            flushClient(c)
        case .idle, .handshake:
            // Between exchanges the origin may only close its connection.
            let n = read(c.pointee.ofd, base, rbufCap)
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
            if n <= 0 {
                closeOrigin(c)
            } else {
                closeConn(c)
            }
        }
    }

    /// Parses the response head at rbuf[headroom..<headroom+headLen] and rewrites it in place, right-aligned before
    /// the body bytes already read: hop-by-hop fields dropped, `Connection: close` added when the client asked for
    /// it. Sets the pending output and the body bytes still to come. False if the response cannot be relayed.
    func responseHead(_ c: UnsafeMutablePointer<Conn>, _ headLen: Int) -> Bool {
        let rbuf = c.rbuf
        let base = rbuf + headroom
        let statusEnd = findCRLF(base, from: 0, to: headLen)
        guard statusEnd >= 12, statusEnd + 2 <= headroom - 32, memcmp(base, "HTTP/1.", 7) == 0 else { return false }
        let status = Int(base[9] &- 48) * 100 + Int(base[10] &- 48) * 10 + Int(base[11] &- 48)
        var originKeepAlive = base[7] == UInt8(ascii: "1")
        var contentLength = -1
        var kept = 0
        var p = statusEnd + 2
        while p < headLen - 2 {
            let e = findCRLF(base, from: p, to: headLen)
            let lineLen = e - p
            guard let colon = memchr(base + p, 58, lineLen) else { return false }
            let nameLen = colon.assumingMemoryBound(to: UInt8.self) - (base + p)
            var keep = true
            switch lower(base[p]) {
            case UInt8(ascii: "c"):
                if nameIs(base + p, nameLen, "content-length") {
                    var q = p + nameLen + 1
                    while q < e && (base[q] == 32 || base[q] == 9) { q += 1 }
                    var value = 0
                    var digits = 0
                    while q < e && base[q] >= 48 && base[q] <= 57 && digits < 18 {
                        value = value * 10 + Int(base[q] - 48)
                        q += 1
                        digits += 1
                    }
                    guard digits > 0 else { return false }
                    contentLength = value
                } else if nameIs(base + p, nameLen, "connection") {
                    keep = false
                    if let said = keepAliveToken(base + p + nameLen + 1, lineLen - nameLen - 1) {
                        originKeepAlive = said
                    }
                }
            case UInt8(ascii: "k"): keep = !nameIs(base + p, nameLen, "keep-alive")
            case UInt8(ascii: "p"): keep = !nameIs(base + p, nameLen, "proxy-connection")
            case UInt8(ascii: "t"):
                if nameIs(base + p, nameLen, "transfer-encoding") { return false }  // chunked: not supported
                keep = !(nameIs(base + p, nameLen, "te") || nameIs(base + p, nameLen, "trailer"))
            case UInt8(ascii: "u"): keep = !nameIs(base + p, nameLen, "upgrade")
            default: break
            }
            if keep {
                guard kept < maxLines else { return false }
                lines[2 * kept] = p
                lines[2 * kept + 1] = lineLen + 2
                kept += 1
            }
            p = e + 2
        }
        let noBody = c.pointee.isHead || status < 200 || status == 204 || status == 304
        let bodyLength: Int
        if noBody {
            bodyLength = 0
        } else {
            guard contentLength >= 0 else { return false }
            bodyLength = contentLength
        }
        let bodyRead = c.pointee.rLen - headLen
        guard bodyRead <= bodyLength, status >= 200 else { return false }
        c.pointee.remaining = bodyLength - bodyRead
        c.pointee.originKeepAlive = originKeepAlive

        // Right-align the kept lines before the body (they only move forward: fields are only removed), then the
        // optional Connection: close and the status line before them.
        var dst = headLen - 2  // the final CRLF stays where it is
        var k = kept - 1
        while k >= 0 {
            let start = lines[2 * k]
            let n = lines[2 * k + 1]
            dst -= n
            if dst != start { memmove(base + dst, base + start, n) }
            k -= 1
        }
        let statusLen = statusEnd + 2
        if !c.pointee.clientKeepAlive {
            memcpy(statusScratch, base, statusLen)
            let close: StaticString = "Connection: close\r\n"
            dst -= close.utf8CodeUnitCount
            memcpy(base + dst, close.utf8Start, close.utf8CodeUnitCount)
            dst -= statusLen
            memcpy(base + dst, statusScratch, statusLen)
        } else {
            dst -= statusLen
            if dst != 0 { memmove(base + dst, base, statusLen) }
        }
        c.pointee.wStart = headroom + dst
        c.pointee.wEnd = headroom + c.pointee.rLen
        return true
    }
}

// MARK: main

var arguments = Array(CommandLine.arguments.dropFirst())
var options: [String: String] = [:]
let synopsis =
    "rawproxy --listen IP:PORT --origin IP:PORT --certificate PEM-FILE --key PEM-FILE [--mode state|async]"
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    guard ["--listen", "--origin", "--certificate", "--key", "--mode"].contains(flag), !arguments.isEmpty else {
        fail("unknown argument or missing value: '\(flag)'\nusage: \(synopsis)")
    }
    options[flag] = arguments.removeFirst()
}
guard let listenText = options["--listen"], let originText = options["--origin"],
    let certificate = options["--certificate"], let key = options["--key"]
else { fail("usage: \(synopsis)") }
let proxy = Proxy(
    listen: parseAddress(listenText),
    origin: parseAddress(originText),
    originHost: originText,
    certificate: certificate,
    key: key
)
let mode = options["--mode"] ?? "state"
shim_say("rawproxy: listening on \(listenText), forwarding to \(originText), mode \(mode)\n", 0)
switch mode {
case "state": proxy.run()
case "async": proxy.runAsync()
default: fail("--mode is state or async, not '\(mode)'")
}
