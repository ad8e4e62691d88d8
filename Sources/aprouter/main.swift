import NIOCore
import NIOPosix

// NIO's event loops become Swift concurrency's global executor before any task runs: a request's async code then
// continues on the event loops instead of hopping to a separate pool of threads and back (the router benchmark's
// profile: about a third of its CPU went to those wake-ups). Nothing in aprouter blocks a thread in async code:
// files go through NIOThreadPool, SQLite through GRDB's own queues.
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await Aprouter.start()
