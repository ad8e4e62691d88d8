import AccessPointCore
package import NIOCore
package import S3Auth
package import S3HTTP

/// A body whose bytes must pass `check` (``StreamingPayloadCheck``): the SHA-256 the signature covers
/// (`x-amz-content-sha256: <hex>`), or the checksum an `x-amz-checksum-*` header declares.
///
/// The bytes flow on as they arrive; the check is decided when the stream ends, and a failure is thrown then, so
/// the store discards what it wrote (it never commits an object whose stream failed).
package struct CheckedBody<Check: StreamingPayloadCheck>: AsyncSequence, Sendable, TrailerCarryingStream {
    let base: S3Body
    let check: Check

    package init(base: S3Body, check: Check) {
        self.base = base
        self.check = check
    }

    package var trailers: BodyTrailers? { base.trailers }

    package func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), check: check)
    }

    package struct Iterator: AsyncIteratorProtocol {
        var base: S3Body.AsyncIterator
        var check: Check
        var finished = false

        package mutating func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            guard let chunk = try await base.next() else {
                finished = true
                try check.finish()
                return nil
            }
            chunk.withUnsafeReadableBytes { check.update($0) }
            return chunk
        }
    }
}

/// The decoded content of an aws-chunked body (spec §5.5): chunk signatures, the trailer checksum and the decoded
/// length are checked by `AWSChunkedStateMachine` as the bytes stream through.
package struct AWSChunkedBody: AsyncSequence, Sendable, TrailerCarryingStream {
    let base: S3Body
    let configuration: AWSChunkedConfiguration
    /// Where the checked trailer goes when the body is complete.
    package let trailers: BodyTrailers?

    package init(base: S3Body, configuration: AWSChunkedConfiguration, trailers: BodyTrailers? = nil) {
        self.base = base
        self.configuration = configuration
        self.trailers = trailers
    }

    package func makeAsyncIterator() -> Iterator {
        Iterator(
            base: base.makeAsyncIterator(),
            machine: AWSChunkedStateMachine(configuration: configuration),
            trailers: trailers
        )
    }

    package struct Iterator: AsyncIteratorProtocol {
        var base: S3Body.AsyncIterator
        var machine: AWSChunkedStateMachine
        let trailers: BodyTrailers?
        var finished = false

        /// The decoded data of each piece of input, copied once into a buffer of its own. Not slices of the input:
        /// a slice held downstream keeps the TLS handler's read buffer shared, so it is reallocated (and its pages
        /// faulted in again) for every read, which cost more than the copy (bench/README.md, session 18).
        package mutating func next() async throws -> ByteBuffer? {
            while !finished {
                guard let chunk = try await base.next() else {
                    finished = true
                    if case .fail(let error) = machine.inputEnded() { throw error }
                    publishTrailers()
                    return nil
                }
                var output = ByteBuffer()
                let outcome = chunk.withUnsafeReadableBytes { input in
                    machine.receive(input) { piece in
                        switch piece {
                        case .input(let range):
                            if output.capacity == 0 { output.reserveCapacity(input.count) }
                            output.writeBytes(UnsafeRawBufferPointer(rebasing: input[range]))
                        case .held(let bytes):
                            output.writeBytes(bytes)
                        }
                    }
                }
                switch outcome {
                case .needMore:
                    if output.readableBytes > 0 { return output }
                case .complete:
                    finished = true
                    publishTrailers()
                    if output.readableBytes > 0 { return output }
                case .fail(let error):
                    finished = true
                    throw error
                }
            }
            return nil
        }

        /// The trailer, every check passed (its signature line is not passed on).
        private func publishTrailers() {
            guard let trailers else { return }
            trailers.set(
                machine.trailers.filter { $0.name != "x-amz-trailer-signature" }.map {
                    HTTPField(name: $0.name, value: $0.value)
                }
            )
        }
    }
}

extension S3Body {
    /// The body a store sees of a raw request body whose signature promised `payload`: the client's bytes with
    /// their SHA-256 checked as they pass, the bytes as they are (`UNSIGNED-PAYLOAD`), or an aws-chunked body
    /// decoded; and the content checked against the checksum a header declares, if one does. `declaredLength` is the
    /// request's `Content-Length`.
    package static func verified(
        _ raw: S3Body,
        payload: PayloadRequirement,
        declaredLength: Int?,
        checksum: DeclaredChecksum? = nil
    ) -> S3Body {
        let content = verified(raw, payload: payload, declaredLength: declaredLength)
        guard let checksum else { return content }
        return S3Body(
            length: content.length,
            stream: CheckedBody(base: content, check: DeclaredChecksumChecker(checksum))
        )
    }

    private static func verified(_ raw: S3Body, payload: PayloadRequirement, declaredLength: Int?) -> S3Body {
        switch payload {
        case .sha256(let expected):
            return S3Body(
                length: declaredLength,
                stream: CheckedBody(base: raw, check: PayloadSHA256Checker(expected: expected))
            )
        case .unsigned:
            return S3Body(length: declaredLength, stream: raw)
        case .awsChunked(let configuration):
            // Only a trailer with a checksum is worth keeping for the store.
            let trailers = configuration.trailerChecksum.map { BodyTrailers(announcing: $0.headerName) }
            return S3Body(
                length: configuration.decodedContentLength,
                stream: AWSChunkedBody(base: raw, configuration: configuration, trailers: trailers)
            )
        }
    }
}
