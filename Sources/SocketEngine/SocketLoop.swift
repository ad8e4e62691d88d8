internal import CEventPoll
import Glibc
import Synchronization

/// One thread, its epoll instance, and the task executor whose jobs run on that thread: the socket engine's event
/// loop.
///
/// A task whose executor preference is the loop runs its code on the loop's thread, and every socket wait it makes
/// (`SocketHandle.wait`) parks it until epoll reports the socket: the loop then resumes it, which enqueues its next
/// job in the loop's own queue (a ring buffer: no lock, no system call), run before the loop waits again. So a
/// request's straight-line async code and its I/O share one thread, as an nginx worker's callbacks do, with none of
/// the channel pipeline, promise and buffer allocation per read and write that SwiftNIO's channels add (see
/// bench/README.md, "the raw floor"). Jobs enqueued from other threads go to a locked list and wake the loop through
/// an eventfd.
///
/// Interest in a socket is level-triggered and changed only when a wait asks for other events than those
/// registered, so a request-response exchange on a kept-alive connection costs no `epoll_ctl`.
package final class SocketLoop: TaskExecutor, @unchecked Sendable {
    /// The loop's name, for its thread and its errors.
    package let name: String
    let epoll: CInt
    private let wakeFD: CInt
    private let stopping = Atomic<Bool>(false)
    private let remote = Mutex<[UnownedJob]>([])
    private let remoteWork = Mutex<[@Sendable () -> Void]>([])
    private let started = Mutex<pthread_t?>(nil)
    private let finished = Atomic<Bool>(false)

    // Confined to the loop's thread.
    private var thread = pthread_t()
    private var ring: UnsafeMutablePointer<UnownedJob>
    private var capacity = 256
    private var head = 0
    private var count = 0
    /// The registered sockets, by descriptor.
    private var handles: [SocketHandle?] = []
    /// Sockets whose wait has a deadline (or had: those whose wait ended are dropped at the next look).
    private var timed: [SocketHandle] = []
    /// The earliest deadline among `timed` when it was last looked at, or a later one added since.
    private var nextDeadline: ContinuousClock.Instant?
    /// The TLS records of the SSL call under way on this thread, before they go to the socket (`TLSStream`):
    /// made at the first TLS connection's first call.
    var tlsRecords: UnsafeMutableRawPointer?
    /// What other modules keep per loop, by their key (see `attachment(for:orMake:)`).
    private var attachments: [(key: AnyObject, value: AnyObject)] = []

    static let wakeTag = UInt64.max

    /// Socket events epoll has reported so far: a test's way to see that a socket does not wake the loop
    /// over and over (a level-triggered event nobody takes would).
    package private(set) var eventsReported = 0

    /// Starts a loop on a thread of its own.
    package static func start(name: String) throws(SocketError) -> SocketLoop {
        let loop = try SocketLoop(name: name)
        let box = Unmanaged.passRetained(loop)
        var thread = pthread_t()
        let created = pthread_create(
            &thread,
            nil,
            { argument in
                let loop = Unmanaged<SocketLoop>.fromOpaque(argument!).takeRetainedValue()
                loop.run()
                return nil
            },
            box.toOpaque()
        )
        guard created == 0 else {
            box.release()
            throw SocketError.system("pthread_create", created)
        }
        pthread_detach(thread)
        // The thread records itself before running anything; wait for it, so `enqueue` tells its own thread from
        // others from here on.
        while loop.started.withLock({ $0 }) == nil { sched_yield() }
        return loop
    }

    private init(name: String) throws(SocketError) {
        self.name = name
        epoll = cep_create()
        guard epoll >= 0 else { throw SocketError.system("epoll_create1", errno) }
        wakeFD = cep_eventfd()
        guard wakeFD >= 0 else {
            close(epoll)
            throw SocketError.system("eventfd", errno)
        }
        ring = .allocate(capacity: capacity)
        guard cep_ctl(epoll, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue, Self.wakeTag) == 0 else {
            close(epoll)
            close(wakeFD)
            throw SocketError.system("epoll_ctl", errno)
        }
    }

    deinit {
        close(epoll)
        close(wakeFD)
        ring.deallocate()
    }

    /// The loop whose thread the caller runs on, if any: a task on an engine loop finds its loop here (the store
    /// client keeps its connections per loop).
    package static var current: SocketLoop? {
        guard let pointer = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<SocketLoop>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The thread-specific slot that holds a loop thread's loop (unretained: the thread holds the loop).
    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// The object kept on this loop under `key`, made by `make` the first time: how a client keeps its state per
    /// loop (the store client's connection pools) and finds it again without a lock, the loop's thread being the
    /// only one to touch it. The loop holds `key` and the object until `detach(_:)`. Call on the loop's thread, with
    /// one type of object per key.
    package func attachment<Value: AnyObject>(for key: AnyObject, orMake make: () -> Value) -> Value {
        for entry in attachments where entry.key === key { return unsafeDowncast(entry.value, to: Value.self) }
        let made = make()
        attachments.append((key, made))
        return made
    }

    /// Lets go of the object kept under `key`, and returns it. Call on the loop's thread.
    package func detach(_ key: AnyObject) -> AnyObject? {
        guard let index = attachments.firstIndex(where: { $0.key === key }) else { return nil }
        return attachments.remove(at: index).value
    }

    // MARK: The executor

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if cep_on_thread(thread) != 0 {
            push(job)
        } else {
            remote.withLock { $0.append(job) }
            cep_eventfd_signal(wakeFD)
        }
    }

    /// Runs `work` on the loop's thread, after the jobs queued before it.
    package func execute(_ work: @escaping @Sendable () -> Void) {
        remoteWork.withLock { $0.append(work) }
        cep_eventfd_signal(wakeFD)
    }

    @inline(__always) private func push(_ job: UnownedJob) {
        if count == capacity { grow() }
        (ring + ((head + count) & (capacity - 1))).initialize(to: job)
        count += 1
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<UnownedJob>.allocate(capacity: capacity * 2)
        for index in 0..<count { (bigger + index).initialize(to: ring[(head + index) & (capacity - 1)]) }
        ring.deallocate()
        ring = bigger
        head = 0
        capacity *= 2
    }

    private func takeRemote() {
        cep_eventfd_clear(wakeFD)
        let jobs = remote.withLock { jobs in
            defer { jobs.removeAll(keepingCapacity: true) }
            return jobs
        }
        for job in jobs { push(job) }
        let work = remoteWork.withLock { work in
            defer { work.removeAll(keepingCapacity: true) }
            return work
        }
        for item in work { item() }
    }

    @inline(__always) private func runQueued() {
        let executor = asUnownedTaskExecutor()
        while count > 0 {
            let job = (ring + head).move()
            head = (head + 1) & (capacity - 1)
            count -= 1
            job.runSynchronously(on: executor)
        }
    }

    // MARK: The loop

    /// Asks the loop to stop once it has run the jobs queued now; sockets still registered are left to their owners.
    package func stop() {
        stopping.store(true, ordering: .relaxed)
        cep_eventfd_signal(wakeFD)
    }

    /// Whether the loop's thread has returned.
    package var hasStopped: Bool { finished.load(ordering: .acquiring) }

    private func run() {
        thread = pthread_self()
        cep_name_thread(name)
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        started.withLock { $0 = thread }
        let batch: CInt = 256
        let events = cep_events_alloc(batch)!
        defer {
            cep_events_free(events)
            finished.store(true, ordering: .releasing)
        }
        while true {
            runQueued()
            if stopping.load(ordering: .relaxed) { break }
            let ready = cep_wait(epoll, events, batch, count > 0 ? 0 : waitTimeout())
            if ready < 0 {
                if errno == EINTR { continue }
                fatalError("socket loop \(name): epoll_wait: \(String(cString: strerror(errno)))")
            }
            var index: CInt = 0
            while index < ready {
                let data = cep_event_data(events, index)
                let flags = cep_event_flags(events, index)
                index += 1
                if data == Self.wakeTag {
                    takeRemote()
                } else if Int(data) < handles.count, let handle = handles[Int(data)] {
                    eventsReported &+= 1
                    handle.ready(flags)
                }
            }
            if let nextDeadline, ContinuousClock.now >= nextDeadline { expireWaits() }
        }
    }

    /// Milliseconds until the next deadline (rounded up), or -1 without one.
    private func waitTimeout() -> CInt {
        guard let nextDeadline else { return -1 }
        let left = nextDeadline - ContinuousClock.now
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return CInt(min(milliseconds, 3_600_000))
    }

    /// Ends the waits whose deadline passed with `SocketError.timedOut`, and finds the next deadline.
    private func expireWaits() {
        let now = ContinuousClock.now
        var next: ContinuousClock.Instant?
        var kept: [SocketHandle] = []
        for handle in timed {
            guard let deadline = handle.deadline else {
                handle.isTimed = false
                continue
            }
            if deadline <= now {
                handle.isTimed = false
                handle.timeOut()
            } else {
                kept.append(handle)
                next = next.map { min($0, deadline) } ?? deadline
            }
        }
        timed = kept
        nextDeadline = next
    }

    // MARK: Sockets

    func register(_ handle: SocketHandle) {
        let index = Int(handle.fd)
        if index >= handles.count { handles.append(contentsOf: repeatElement(nil, count: index + 1 - handles.count)) }
        handles[index] = handle
    }

    func unregister(_ handle: SocketHandle) {
        let index = Int(handle.fd)
        if index < handles.count, handles[index] === handle { handles[index] = nil }
    }

    func addTimed(_ handle: SocketHandle, _ deadline: ContinuousClock.Instant) {
        if !handle.isTimed {
            handle.isTimed = true
            timed.append(handle)
        }
        if let nextDeadline, nextDeadline <= deadline { return }
        nextDeadline = deadline
    }
}

/// Why a socket operation failed.
package enum SocketError: Error, Equatable, CustomStringConvertible {
    /// A system call failed with this errno.
    case system(String, CInt)
    /// The socket was closed (by this side) while the operation waited, or before it.
    case closed
    /// The operation's deadline passed.
    case timedOut
    /// TLS failed: OpenSSL's reason.
    case tls(String)

    package var description: String {
        switch self {
        case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
        case .closed: "the socket is closed"
        case .timedOut: "timed out"
        case .tls(let reason): "TLS: \(reason)"
        }
    }
}
