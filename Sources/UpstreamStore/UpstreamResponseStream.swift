import NIOCore

/// One request's answer from a store: the response head as soon as it is known, then the body, whole or as an
/// async sequence with backpressure.
///
/// A small answer usually arrives in one read, head, body and end together: it is then handed over whole (the
/// head with its body in one buffer), with no sequence to make, feed and tear down. The head is held back until
/// the end of the read that brought it (``readComplete()``); if the response has not ended by then, or its body
/// outgrows ``wholeBodyLimit``, the body streams from there on.
///
/// The store's connection (``StoreConnection``) feeds it on `eventLoop`; the body's consumer may be on any thread,
/// and its demand reaches the loop through `eventLoop.execute` (the router's consumer is on the same loop, so it
/// never hops). Mutable state is touched on `eventLoop` only.
final class UpstreamResponseStream: NIOAsyncSequenceProducerDelegate, @unchecked Sendable {
    typealias Body = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, UpstreamResponseStream
    >

    /// The response head, and either its whole body or the stream that brings it.
    enum Answer {
        case whole(StoreResponseHead, ByteBuffer)
        case streamed(StoreResponseHead, Body)
    }

    /// The most a body held back to be handed over whole may have.
    static let wholeBodyLimit = 64 * 1024

    let eventLoop: any EventLoop
    /// The task waiting for the answer, or the answer no one waits for yet (a continuation rather than a promise:
    /// no future, callback list or closure per request).
    private var answerWaiter: UnsafeContinuation<Answer, any Error>?
    private var answerResult: Result<Answer, any Error>?
    private enum State {
        /// Nothing of the response yet.
        case waiting
        /// The head, and any body bytes of the same read, not handed over yet.
        case holding(StoreResponseHead, ByteBuffer)
        case streaming(Body.Source)
        case done
    }

    private var state = State.waiting
    /// The connection bringing the response, set when it sends the request: told when the consumer wants more, or
    /// went away before the body's end. Let go once the response ended, so only a response under way holds it.
    var connection: StoreConnection?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The answer, or the error that ended the request before its head arrived. One caller, once.
    func answer() async throws -> Answer {
        if eventLoop.inEventLoop, let result = takeAnswer() { return try result.get() }
        return try await withUnsafeThrowingContinuation { continuation in
            if eventLoop.inEventLoop {
                parkAnswerWaiter(continuation)
            } else {
                eventLoop.execute { self.parkAnswerWaiter(continuation) }
            }
        }
    }

    private func parkAnswerWaiter(_ continuation: UnsafeContinuation<Answer, any Error>) {
        if let result = takeAnswer() {
            continuation.resume(with: result)
        } else {
            answerWaiter = continuation
        }
    }

    private func takeAnswer() -> Result<Answer, any Error>? {
        defer { answerResult = nil }
        return answerResult
    }

    private func deliver(_ result: Result<Answer, any Error>) {
        if let answerWaiter {
            self.answerWaiter = nil
            answerWaiter.resume(with: result)
        } else {
            answerResult = result
        }
    }

    // MARK: The connection's side, on `eventLoop`

    func receive(_ head: StoreResponseHead) {
        guard case .waiting = state else { return }
        state = .holding(head, ByteBuffer())
    }

    /// Whether the connection should go on reading.
    func receive(_ buffer: ByteBuffer) -> Bool {
        switch state {
        case .holding(let head, var held):
            guard held.readableBytes + buffer.readableBytes <= Self.wholeBodyLimit else {
                state = .done
                stream(head, held)
                return receive(buffer)
            }
            if held.readableBytes == 0 {
                // The usual case, the whole body in one piece: kept as it came, not copied.
                state = .holding(head, buffer)
                return true
            }
            state = .done  // drop the reference to `held` so appending does not copy it
            var buffer = buffer
            held.writeBuffer(&buffer)
            state = .holding(head, held)
            return true
        case .streaming(let source):
            switch source.yield(buffer) {
            case .produceMore: return true
            case .stopProducing, .dropped: return false
            }
        case .waiting, .done:
            return false
        }
    }

    /// The end of a read: a response still incomplete streams from now on.
    func readComplete() {
        guard case .holding(let head, let held) = state else { return }
        stream(head, held)
    }

    private func stream(_ head: StoreResponseHead, _ held: ByteBuffer) {
        let made = Body.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
            finishOnDeinit: true,
            delegate: self
        )
        state = .streaming(made.source)
        if held.readableBytes > 0 { _ = made.source.yield(held) }
        deliver(.success(.streamed(head, made.sequence)))
    }

    func finish() {
        switch state {
        case .holding(let head, let held):
            deliver(.success(.whole(head, held)))
        case .streaming(let source):
            source.finish()
        case .waiting:
            deliver(.failure(StoreClientError.connectionClosed))
        case .done:
            break
        }
        state = .done
        connection = nil
    }

    func fail(_ error: any Error) {
        switch state {
        case .waiting, .holding:
            deliver(.failure(error))
        case .streaming(let source):
            source.finish(error)
        case .done:
            break
        }
        state = .done
        connection = nil
    }

    /// Whether the response has ended, or failed.
    var isFinished: Bool {
        if case .done = state { return true }
        return false
    }

    // MARK: The body consumer's side, on any thread

    /// The request's task was cancelled: the exchange, if under way, ends; a request not yet begun (waiting in its
    /// pool for a connection, or for one being opened) fails now and is never sent (the pool skips an ended job).
    func cancel() {
        onLoop {
            if let connection = self.connection {
                connection.abandon(self)
            } else {
                self.fail(CancellationError())
            }
        }
    }

    func produceMore() {
        onLoop { self.connection?.demand(self) }
    }

    /// The consumer stopped reading (it finished, or gave up): a response still arriving is abandoned, so its
    /// connection is not kept waiting for a reader.
    func didTerminate() {
        onLoop {
            self.connection?.abandon(self)
            self.connection = nil
        }
    }

    private func onLoop(_ work: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { work() } else { eventLoop.execute(work) }
    }
}
