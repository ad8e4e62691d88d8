import ArgumentParser
import Dispatch

// The entry point: `Aprouter.main()` on Swift concurrency's pool while the main thread waits for it.
//
// Not an async `@main`: that parks the main thread in libdispatch's `dispatch_main`, which makes it libdispatch's
// signal thread, and valgrind 3.19 (Debian 12's) dies inside itself with SIGSEGV on such a process as soon as its
// main function first suspends; any `aprouter serve` does. callgrind is how bench/ counts instructions per request,
// so the server must run under it. Nothing in aprouter runs on the main actor, which this thread no longer drains;
// `Aprouter.main()` ends the process itself on errors (`exit(withError:)`) and returns on success.
let finished = DispatchSemaphore(value: 0)
Task.detached {
    await Aprouter.main()
    finished.signal()
}
finished.wait()
