import Testing

@testable import PrivateDNS

struct DNSTCPConnectionStateMachineTests {
    enum Event: Sendable { case forward, answered, peerClosed }

    /// Events → the action of each, in order.
    static let table: [([Event], [DNSTCPConnectionStateMachine.Action])] = [
        ([.peerClosed], [.close]),
        ([.forward, .peerClosed, .answered], [.none, .none, .close]),
        ([.forward, .forward, .peerClosed, .answered, .answered], [.none, .none, .none, .none, .close]),
        ([.forward, .answered, .forward, .answered], [.none, .none, .none, .none]),
        ([.forward, .answered, .peerClosed], [.none, .none, .close]),
    ]

    @Test(arguments: Self.table)
    func closesOnlyWhenThePeerIsDoneAndNothingIsUpstream(
        events: [Event],
        expected: [DNSTCPConnectionStateMachine.Action]
    ) {
        var machine = DNSTCPConnectionStateMachine()
        let actions = events.map { event -> DNSTCPConnectionStateMachine.Action in
            switch event {
            case .forward:
                machine.forwardStarted()
                return .none
            case .answered: return machine.forwardAnswered()
            case .peerClosed: return machine.peerClosedInput()
            }
        }
        #expect(actions == expected)
    }
}
