public import NIOCore
import S3HTTP
import S3Serving

/// What the servers do with a request's bytes before the router sees it, for `aprouter-bench router-request`
/// (`request-parse`): ``HTTPRequestParser`` reads the head, the fields ready for the stages.
@_spi(Benchmarks)
public enum RequestParsingBenchmark {
    /// Reads every request in `bytes`, as one read of a connection: the number of fields read, or nil if a request
    /// could not be read.
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
}
