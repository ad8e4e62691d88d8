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
        compareCuts(input) { pieces in read(pieces, with: HTTPRequestParser()) }
    }

    static func response(_ input: UnsafeRawBufferPointer) {
        guard let cut = Cut(input) else { return }
        // The cut's byte also says whether the response answers a HEAD (no body, whatever the head declares).
        let toHEAD = cut.first & 0x80 != 0
        compareCuts(input) { pieces in
            var parser = StoreResponseParser()
            parser.expectResponse(toHEAD: toHEAD)
            return read(pieces, with: parser)
        }
    }

    /// Feeds `pieces` to `reader` one after another, as a connection's reads, until the end or a failure.
    private static func read<Reader: IncrementalHTTPReader>(_ pieces: [[UInt8]], with reader: Reader) -> Reading {
        var reader = reader
        var reading = Reading()
        for piece in pieces {
            var buffer = ByteBuffer(bytes: piece)
            do throws(HTTP1Malformed) {
                try reader.feed(&buffer) { reading.append(Reader.part($0)) }
            } catch {
                reading.failure = "\(error.kind): \(error.description)"
                break
            }
        }
        if reading.failure == nil { reading.cutShort = reader.connectionClosed() }
        return reading
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

/// What the servers' request parser and the store client's response parser share: bytes in, parts out.
protocol IncrementalHTTPReader {
    associatedtype Event
    mutating func feed(_ bytes: inout ByteBuffer, _ emit: (Event) -> Void) throws(HTTP1Malformed)
    mutating func connectionClosed() -> Bool
    /// What the harness compares of a part.
    static func part(_ event: Event) -> HTTPReadingHarness.Reading.Part
}

extension HTTPRequestParser: IncrementalHTTPReader {
    static func part(_ event: Part) -> HTTPReadingHarness.Reading.Part {
        switch event {
        case .head(let head):
            .head(
                "\(head.method) \(head.target) \(head.version) keepAlive=\(head.isKeepAlive) "
                    + "continue=\(head.expectsContinue) length=\(head.bodyLength.map(String.init) ?? "chunked") "
                    + "\(head.fields.fields)"
            )
        case .body(let bytes): .body(Array(bytes.readableBytesView))
        case .end: .end
        }
    }
}

extension StoreResponseParser: IncrementalHTTPReader {
    static func part(_ event: Event) -> HTTPReadingHarness.Reading.Part {
        switch event {
        case .head(let head): .head("\(head.status) \(head.contentLength ?? -1) \(head.fields.fields)")
        case .body(let bytes): .body(Array(bytes.readableBytesView))
        case .end: .end
        }
    }
}
