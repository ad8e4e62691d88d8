public import NIOCore
import NIOHTTP1
public import S3HTTP
import S3Serving

/// What the servers do with a request's bytes before the router sees it, and with a response's head after, for
/// `aprouter-bench router-request` (`request-parse`, `upstream-answer`).
@_spi(Benchmarks)
public enum ServingBenchmark {
    /// Reads every request in `bytes`, as one read of a connection (``HTTPRequestParser``): the number of fields
    /// read, or nil if a request could not be read.
    public static func parse(_ bytes: ByteBuffer) -> Int? {
        var parser = HTTPRequestParser()
        var bytes = bytes
        var fields = 0
        do {
            try parser.feed(&bytes) { part in
                if case .head(let head) = part { fields += head.fields.fields.count }
            }
        } catch {
            return nil
        }
        return fields
    }

    /// The head `ResponseWriter` writes for `response` to an HTTP/1.1 GET on a kept-alive connection, a 1 KiB body
    /// joining it (``HTTPResponseEncoding``): its size, or nil if a field cannot go on the wire.
    public static func responseHead(_ response: S3Response) -> Int? {
        let head = try? HTTPResponseEncoding.head(
            status: response.status,
            headers: response.headers,
            bodyLength: response.body.length,
            version: .http1_1,
            method: .GET,
            keepAlive: true,
            bodyCapacity: 1024 + 8
        )
        return head?.bytes.readableBytes
    }
}
