import AccessPointCore
import NIOCore
import S3Auth
import S3HTTP

/// An upload whose checksum the client sent in an aws-chunked trailer (botocore's default over HTTPS), framed again
/// for the store as `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: the decoded bytes in chunks of ``chunkSize``, then the
/// trailer the router checked. The store checks the checksum against the bytes it receives and keeps it, as it would
/// have from the client; forwarded as a plain body, the checksum was lost on the last leg.
///
/// The framing's length is known before the first byte: the decoded length is, the chunks are of a fixed size, and
/// the checksum's base64 has the algorithm's length. So the store is sent a `Content-Length`, which S3 requires.
struct AWSChunkedUpload: Sendable {
    static let chunkSize = 64 * 1024

    let base: S3Body
    let trailers: BodyTrailers
    /// The trailer field, `x-amz-checksum-crc32`.
    let name: String
    let algorithm: ChecksumAlgorithm
    let decodedLength: Int

    /// nil for any body but a decoded aws-chunked one whose trailer announced a checksum, and whose length is known.
    init?(_ body: S3Body) {
        guard let trailers = body.trailers, let name = trailers.announced,
            let algorithm = ChecksumAlgorithm(headerName: name), let length = body.length
        else { return nil }
        base = body
        self.trailers = trailers
        self.name = name
        self.algorithm = algorithm
        decodedLength = length
    }

    /// The base64 length of the algorithm's checksum.
    var valueLength: Int { (algorithm.byteCount + 2) / 3 * 4 }

    /// The bytes the framing takes on the wire.
    var encodedLength: Int {
        let full = decodedLength / Self.chunkSize
        let rest = decodedLength % Self.chunkSize
        func frame(_ size: Int) -> Int { String(size, radix: 16).utf8.count + 2 + size + 2 }
        let trailer = "0\r\n".utf8.count + name.utf8.count + 1 + valueLength + "\r\n\r\n".utf8.count
        return full * frame(Self.chunkSize) + (rest > 0 ? frame(rest) : 0) + trailer
    }

    /// The fields that say how the body is framed, added to the request's before it is signed.
    func announce(in headers: inout [HTTPField]) {
        if let index = headers.firstIndex(where: { S3Headers.name($0.name, matches: "content-encoding") }) {
            headers[index].value = "aws-chunked," + headers[index].value
        } else {
            headers.append(HTTPField(name: "Content-Encoding", value: "aws-chunked"))
        }
        headers.append(HTTPField(name: "x-amz-decoded-content-length", value: String(decodedLength)))
        headers.append(HTTPField(name: "x-amz-trailer", value: name))
    }

    var body: S3Body {
        S3Body(length: encodedLength, stream: Framed(upload: self))
    }

    struct Framed: AsyncSequence, Sendable {
        let upload: AWSChunkedUpload

        func makeAsyncIterator() -> Iterator { Iterator(upload: upload, base: upload.base.makeAsyncIterator()) }

        struct Iterator: AsyncIteratorProtocol {
            let upload: AWSChunkedUpload
            var base: S3Body.AsyncIterator
            /// Decoded bytes not framed yet: less than a chunk, but for the piece just read.
            var pending = ByteBuffer()
            var framed = 0
            var finished = false

            mutating func next() async throws -> ByteBuffer? {
                while !finished {
                    if pending.readableBytes >= AWSChunkedUpload.chunkSize {
                        var out = ByteBuffer()
                        frame(AWSChunkedUpload.chunkSize, into: &out)
                        return out
                    }
                    guard let piece = try await base.next() else {
                        finished = true
                        return try last()
                    }
                    pending.discardReadBytes()
                    pending.writeImmutableBuffer(piece)
                }
                return nil
            }

            /// The rest of the bytes, the final chunk and the trailer the client's body ended with.
            private mutating func last() throws -> ByteBuffer {
                var out = ByteBuffer()
                if pending.readableBytes > 0 { frame(pending.readableBytes, into: &out) }
                let value = upload.trailers.fields.first { $0.name == upload.name }?.value ?? ""
                // The decoder checked both before the body ended; were either ever wrong, the framing would not be
                // the length the store was promised, so the upload is abandoned instead.
                guard framed == upload.decodedLength, value.utf8.count == upload.valueLength else {
                    throw S3Error.internalError.because("The upload's trailer could not be forwarded to the store.")
                }
                out.writeString("0\r\n\(upload.name):\(value)\r\n\r\n")
                return out
            }

            private mutating func frame(_ size: Int, into out: inout ByteBuffer) {
                out.reserveCapacity(minimumWritableBytes: size + 16)
                out.writeString(String(size, radix: 16))
                out.writeStaticString("\r\n")
                if let bytes = pending.readSlice(length: size) { out.writeImmutableBuffer(bytes) }
                out.writeStaticString("\r\n")
                framed += size
            }
        }
    }
}
