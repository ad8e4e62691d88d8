import NIOCore

/// Where a server connection's request stream stands as its serving task takes the parts: the parts read and not
/// taken yet, whether an exchange is under way, and why no more parts will come. `HTTPServerConnection`'s handler and
/// `SocketHTTPConnection` keep the same rules with it.
struct InboundParts {
    typealias Part = HTTPRequestParser.Part

    /// Why no more request parts will come.
    enum End {
        case closed
        case failed(any Error)
    }

    private(set) var queued = CircularBuffer<Part>(initialCapacity: 4)
    /// Between requests for the serving task: it took no part yet, or took the last request's `.end`.
    private(set) var betweenRequests = true
    /// From the serving task taking a request's head until it wrote its response's last bytes: nothing else may be
    /// written meanwhile.
    var exchangeUnderWay = false
    /// Why no more parts will come, once none will (the first reason given stands).
    private(set) var end: End?

    mutating func append(_ part: Part) { queued.append(part) }

    /// Drops the parts not taken (a refusal answers the connection in their place).
    mutating func dropQueued() { queued.removeAll() }

    mutating func finish(_ end: End) {
        if self.end == nil { self.end = end }
    }

    /// The next queued part, now the serving task's; nil if none waits.
    mutating func take() -> Part? {
        guard let part = queued.popFirst() else { return nil }
        taken(part)
        return part
    }

    /// Records that the serving task has `part`, queued or handed over as it arrived: a head begins an exchange, an
    /// end closes the request.
    mutating func taken(_ part: Part) {
        switch part {
        case .head:
            betweenRequests = false
            exchangeUnderWay = true
        case .end: betweenRequests = true
        case .body: break
        }
    }

    /// Whether the request stream has ended cleanly (true) or not yet (false); throws the error that ended it.
    func hasEnded() throws -> Bool {
        switch end {
        case .closed?: return true
        case .failed(let error)?: throw error
        case nil: return false
        }
    }

    /// Takes the request's `.end` if it is the next part and has arrived.
    mutating func takeEndIfQueued() -> Bool {
        guard case .end? = queued.first else { return false }
        _ = take()
        return true
    }
}
