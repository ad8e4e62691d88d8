internal import COpenSSL
import Glibc

/// A TLS server's settings as OpenSSL holds them (an `SSL_CTX`): one certificate chain and key, TLS 1.2 and later,
/// HTTP/1.1 by ALPN, no renegotiation. Immutable once made, and OpenSSL's context is safe to share between threads.
package final class TLSServerContext: @unchecked Sendable {
    let context: OpaquePointer

    /// - Parameters:
    ///   - certificateChainPEM: the server's certificate first, then the certificates that issued it.
    ///   - privateKeyPEM: the certificate's key.
    package init(certificateChainPEM: String, privateKeyPEM: String) throws(SocketError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSFailure.latest("SSL_CTX_new") }
        self.context = context
        _ = capt_SSL_CTX_set_min_proto_version(context, capt_TLS1_2_VERSION())
        _ = capt_SSL_CTX_set_mode(context, capt_MODE_PARTIAL_MOVING())
        capt_SSL_CTX_set_read_ahead(context, 1)
        capt_SSL_CTX_no_renegotiation(context)
        capt_SSL_CTX_offer_http11(context)
        var certificates = try Self.certificates(certificateChainPEM)
        guard !certificates.isEmpty else { throw SocketError.tls("no certificate in the certificate chain") }
        let leaf = certificates.removeFirst()
        defer { X509_free(leaf) }
        guard SSL_CTX_use_certificate(context, leaf) == 1 else { throw TLSFailure.latest("the certificate") }
        for certificate in certificates {
            // The context takes ownership of each issuer on success.
            guard capt_SSL_CTX_add_chain_certificate(context, certificate) == 1 else {
                X509_free(certificate)
                throw TLSFailure.latest("the certificate chain")
            }
        }
        let key = try Self.withMemoryBIO(privateKeyPEM) { bio throws(SocketError) -> OpaquePointer in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw TLSFailure.latest("the key") }
            return key
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(context, key) == 1, SSL_CTX_check_private_key(context) == 1 else {
            throw TLSFailure.latest("the key")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// `body` with a read-only memory BIO over `text`'s UTF-8.
    private static func withMemoryBIO<Result>(
        _ text: String,
        _ body: (OpaquePointer) throws(SocketError) -> Result
    ) throws(SocketError) -> Result {
        var bytes = Array(text.utf8)
        let bio = bytes.withUnsafeMutableBytes { BIO_new_mem_buf($0.baseAddress, CInt($0.count)) }
        guard let bio else { throw TLSFailure.latest("BIO_new_mem_buf") }
        defer {
            BIO_free(bio)
            // The BIO read the array in place; keep it alive until the BIO is gone.
            withExtendedLifetime(bytes) {}
        }
        return try body(bio)
    }

    private static func certificates(_ pem: String) throws(SocketError) -> [OpaquePointer] {
        try withMemoryBIO(pem) { bio throws(SocketError) -> [OpaquePointer] in
            var certificates: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { certificates.append(certificate) }
            ERR_clear_error()  // the read past the last certificate leaves "no start line" behind
            return certificates
        }
    }
}

/// The server side of a TLS connection. OpenSSL reads the socket itself (no copy through memory buffers); what it
/// writes goes to its loop's scratch area (`capt_records`), which leaves in one write(2) after each SSL call, so a
/// 64 KiB chunk's four records cost one system call, not four. Records the socket could not take are kept here
/// (`hasPendingOutput`) and sent first next time. Confined to the loop's thread.
package final class TLSStream: ByteStream, @unchecked Sendable {
    package let handle: SocketHandle
    private let ssl: OpaquePointer
    private let records: UnsafeMutablePointer<capt_records>
    /// Records the socket did not take, from `pendingStart` on.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var isOpen = true

    /// The scratch area's size: four full records and their overhead, with room to spare.
    static let recordsCapacity = 80 * 1024

    /// The write BIO's method, one for the process.
    nonisolated(unsafe) private static let recordsMethod: OpaquePointer? = capt_records_method()

    /// Takes ownership of `fd` (nonblocking, accepted), to serve TLS with `context`'s settings. Call on `loop`'s
    /// thread.
    package convenience init(fd: CInt, loop: SocketLoop, context: TLSServerContext) throws(SocketError) {
        try self.init(handle: SocketHandle(fd: fd, loop: loop), context: context)
    }

    /// TLS on a socket already registered (one whose PROXY header was read first). Call on its loop's thread.
    package init(handle: SocketHandle, context: TLSServerContext) throws(SocketError) {
        self.handle = handle
        records = Self.records(of: handle.loop)
        guard let ssl = SSL_new(context.context) else {
            handle.close()
            throw TLSFailure.latest("SSL_new")
        }
        guard let method = Self.recordsMethod, capt_attach(ssl, handle.fd, records, method) == 1 else {
            SSL_free(ssl)
            handle.close()
            throw TLSFailure.latest("the TLS connection's BIOs")
        }
        self.ssl = ssl
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// The loop's scratch area for TLS records, made at its first use.
    private static func records(of loop: SocketLoop) -> UnsafeMutablePointer<capt_records> {
        if let made = loop.tlsRecords { return made.assumingMemoryBound(to: capt_records.self) }
        let records = UnsafeMutablePointer<capt_records>.allocate(capacity: 1)
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: recordsCapacity)
        records.initialize(to: capt_records(bytes: bytes, count: 0, capacity: recordsCapacity))
        loop.tlsRecords = UnsafeMutableRawPointer(records)
        return records
    }

    /// Completes the handshake, waiting for the client until `deadline`.
    package func handshake(until deadline: ContinuousClock.Instant? = nil) async throws {
        while true {
            let result = SSL_do_handshake(ssl)
            try sendRecords()
            // The client waits for what was just written (the server's flight) before it sends more.
            try await flush(until: deadline)
            if result == 1 { return }
            switch try blocked(result, "the handshake") {
            case .blocked(let events): try await handle.wait(for: events, until: deadline)
            default: throw SocketError.tls("the client closed the connection during the handshake")
            }
        }
    }

    /// The server name the client asked for (SNI), if it named one.
    package var serverName: String? {
        capt_SSL_server_name(ssl).map { String(cString: $0) }
    }

    /// The protocol version, as OpenSSL names it ("TLSv1.3").
    package var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    package var hasBufferedInput: Bool { SSL_has_pending(ssl) != 0 }

    package func tryRead(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> StreamProgress {
        let count = SSL_read(ssl, buffer.baseAddress, CInt(clamping: buffer.count))
        // A read may write (a key update's answer): it leaves with the next write, or now.
        if records.pointee.count > 0 { try sendRecords() }
        if count > 0 { return .moved(Int(count)) }
        return try blocked(count, "read")
    }

    package func tryWrite(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> StreamProgress {
        guard !bytes.isEmpty else { return .moved(0) }
        if hasPendingOutput, case .blocked(let events) = try tryFlush() { return .blocked(events) }
        let count = SSL_write(ssl, bytes.baseAddress, CInt(clamping: bytes.count))
        try sendRecords()
        if count > 0 { return .moved(Int(count)) }
        return try blocked(count, "write")
    }

    package var hasPendingOutput: Bool { pendingStart < pending.count }

    package func tryFlush() throws(SocketError) -> StreamProgress {
        while pendingStart < pending.count {
            let sent = pending.withUnsafeBytes { all in
                Glibc.send(
                    handle.fd,
                    all.baseAddress! + pendingStart,
                    all.count - pendingStart,
                    CInt(MSG_NOSIGNAL)
                )
            }
            if sent > 0 {
                pendingStart += sent
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN: return .blocked(SocketHandle.writable)
            case let code: throw SocketError.system("write", code)
            }
        }
        pending.removeAll(keepingCapacity: false)
        pendingStart = 0
        return .moved(0)
    }

    /// Sends the records the last SSL call wrote to the loop's scratch area; what the socket does not take now is
    /// kept (`pending`). The scratch area is empty again after it.
    private func sendRecords() throws(SocketError) {
        let count = records.pointee.count
        guard count > 0 else { return }
        records.pointee.count = 0
        let bytes = UnsafeRawBufferPointer(start: records.pointee.bytes, count: count)
        var offset = 0
        if !hasPendingOutput {
            while offset < count {
                let sent = Glibc.send(handle.fd, bytes.baseAddress! + offset, count - offset, CInt(MSG_NOSIGNAL))
                if sent > 0 {
                    offset += sent
                } else if errno == EINTR {
                    continue
                } else if errno == EAGAIN {
                    break
                } else {
                    throw SocketError.system("write", errno)
                }
            }
        }
        if offset < count { pending.append(contentsOf: bytes[offset...]) }
    }

    /// What an OpenSSL call's failure means: wait for the socket, the peer's end, or an error.
    private func blocked(_ result: CInt, _ operation: String) throws(SocketError) -> StreamProgress {
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ:
            return .blocked(SocketHandle.readable)
        case SSL_ERROR_WANT_WRITE:
            return .blocked(SocketHandle.writable)
        case SSL_ERROR_ZERO_RETURN:
            // close_notify.
            return .ended
        case SSL_ERROR_SYSCALL:
            let saved = errno
            ERR_clear_error()
            // An EOF without close_notify, or a reset: the client is gone either way.
            if saved == 0 || saved == ECONNRESET || saved == EPIPE { return .ended }
            if saved == EINTR || saved == EAGAIN { return .blocked(SocketHandle.readable) }
            throw SocketError.system(operation, saved)
        default:
            throw TLSFailure.latest(operation)
        }
    }

    package func shutdownOutput() {
        guard isOpen, !handle.isClosed else { return }
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        try? sendRecords()
        _ = try? tryFlush()
        _ = Glibc.shutdown(handle.fd, CInt(SHUT_WR))
    }

    package func close() {
        isOpen = false
        handle.close()
    }
}

enum TLSFailure {
    /// OpenSSL's latest error, named after what failed.
    static func latest(_ what: String) -> SocketError {
        var text = [CChar](repeating: 0, count: 256)
        capt_take_error(&text, text.count)
        let reason = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return .tls(reason.isEmpty ? what : "\(what): \(reason)")
    }
}
