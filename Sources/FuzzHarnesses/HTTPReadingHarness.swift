import NIOCore
import S3HTTP
import S3Serving
import UpstreamStore

/// The HTTP/1.1 readers of the servers and of the store client read a connection's bytes as they arrive, in any
/// pieces: what they read must not depend on where a read ended. Each input (after its first byte, which picks the
/// cut) is read three ways: in one piece, in two pieces cut at one place, and (up to 600 bytes) one byte at a time.
/// The heads, the body bytes of each message, the ends, whether reading failed and how, and what the connection's
/// close says must be the same each time.
enum HTTPReadingHarness {
    /// What a reader made of a connection's bytes.
    struct Reading: Equatable {
        enum Part: Equatable {
            case head(String)
            case body([UInt8])
            case end
        }

        var parts: [Part] = []
        var failure: String?
        var cutShort = false

        /// Adds body bytes to the body read just before, so that however the bytes were cut, one message's body is
        /// one part.
        mutating func append(_ part: Part) {
            if case .body(let more) = part, case .body(let before) = parts.last {
                parts[parts.count - 1] = .body(before + more)
            } else if case .body(let more) = part, more.isEmpty {
                return
            } else {
                parts.append(part)
            }
        }
    }

    static let bytewiseLimit = 600

    static func request(_ input: UnsafeRawBufferPointer) {
        compareCuts(input) { pieces in
            var parser = HTTPRequestParser()
            var reading = Reading()
            for piece in pieces {
                var buffer = ByteBuffer(bytes: piece)
                do throws(HTTP1Malformed) {
                    try parser.feed(&buffer) { part in
                        switch part {
                        case .head(let head): reading.append(.head(describe(head)))
                        case .body(let bytes): reading.append(.body(Array(bytes.readableBytesView)))
                        case .end: reading.append(.end)
                        }
                    }
                } catch {
                    reading.failure = "\(error.kind): \(error.description)"
                    break
                }
            }
            if reading.failure == nil { reading.cutShort = parser.connectionClosed() }
            return reading
        }
    }

    static func response(_ input: UnsafeRawBufferPointer) {
        guard let cut = Cut(input) else { return }
        // The cut's byte also says whether the response answers a HEAD (no body, whatever the head declares).
        let toHEAD = cut.first & 0x80 != 0
        compareCuts(input) { pieces in
            var parser = StoreResponseParser()
            parser.expectResponse(toHEAD: toHEAD)
            var reading = Reading()
            for piece in pieces {
                var buffer = ByteBuffer(bytes: piece)
                do throws(HTTP1Malformed) {
                    try parser.feed(&buffer) { event in
                        switch event {
                        case .head(let head):
                            reading.append(.head("\(head.status) \(head.contentLength ?? -1) \(head.fields.fields)"))
                        case .body(let bytes): reading.append(.body(Array(bytes.readableBytesView)))
                        case .end: reading.append(.end)
                        }
                    }
                } catch {
                    reading.failure = "\(error.kind): \(error.description)"
                    break
                }
            }
            if reading.failure == nil { reading.cutShort = parser.connectionClosed() }
            return reading
        }
    }

    private static func describe(_ head: RequestHead) -> String {
        "\(head.method) \(head.target) \(head.version) keepAlive=\(head.isKeepAlive) continue=\(head.expectsContinue) "
            + "length=\(head.bodyLength.map(String.init) ?? "chunked") \(head.fields.fields)"
    }

    /// Reads the input's bytes whole, cut in two, and byte by byte, and requires the same reading each time.
    private static func compareCuts(_ input: UnsafeRawBufferPointer, _ read: ([[UInt8]]) -> Reading) {
        guard let cut = Cut(input) else { return }
        let bytes = Array(cut.bytes)
        let whole = read([bytes])
        let halves = read([Array(bytes[..<cut.point]), Array(bytes[cut.point...])])
        require(whole == halves, "cut at \(cut.point): \(halves) differs from the whole's \(whole)")
        if bytes.count <= bytewiseLimit {
            let bytewise = read(bytes.map { [$0] })
            require(whole == bytewise, "byte by byte: \(bytewise) differs from the whole's \(whole)")
        }
    }
}
