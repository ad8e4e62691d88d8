/// When a DNS-over-TCP connection may close: once the peer has closed its side (RFC 7766 §6.2.4: a client may
/// send its queries and half-close) and every forwarded question has been answered. Answers from our own zones are
/// written as their queries are read, so only forwarded ones are ever in flight.
///
/// Events in, actions out, no channel (STYLE §6): the handler performs the action.
struct DNSTCPConnectionStateMachine: Equatable {
    enum Action: Equatable { case none, close }

    private(set) var inFlight = 0
    private(set) var inputClosed = false

    mutating func forwardStarted() { inFlight += 1 }

    mutating func forwardAnswered() -> Action {
        precondition(inFlight > 0, "an answer for a question that was never forwarded")
        inFlight -= 1
        return inputClosed && inFlight == 0 ? .close : .none
    }

    mutating func peerClosedInput() -> Action {
        inputClosed = true
        return inFlight == 0 ? .close : .none
    }
}
