import Foundation
import Glibc
import NIOCore

/// Sizes NIO's shared event-loop group by the processors this process may run on.
///
/// NIO counts the machine's cores (or its cgroup quota), not the process's CPU affinity: under
/// `taskset -c 0` it still starts one event loop per core, and the loops then take turns on the one processor,
/// each hand-over a context switch. One loop per allowed processor keeps a connection's work, its upstream
/// connection and the tasks that serve it on one thread. `NIO_SINGLETON_GROUP_LOOP_COUNT`, when set, still wins.
/// Must run before anything uses `MultiThreadedEventLoopGroup.singleton`.
enum ThreadTuning {
    static func apply() {
        guard getenv("NIO_SINGLETON_GROUP_LOOP_COUNT") == nil, let allowed = allowedProcessors(),
            allowed < System.coreCount
        else { return }
        NIOSingletons.groupLoopCountSuggestion = allowed
    }

    /// The number of processors in this process's affinity mask (`Cpus_allowed` in `/proc/self/status`, the mask
    /// `sched_getaffinity(2)` returns; Glibc's Swift module does not import that call), or nil if it cannot be read.
    static func allowedProcessors() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
        else { return nil }
        return allowedProcessors(mask: line.dropFirst("Cpus_allowed:".count))
    }

    /// The processors a `Cpus_allowed` mask names: hexadecimal words separated by commas, `3` or `ff,ffffffff`.
    static func allowedProcessors(mask: Substring) -> Int? {
        var count = 0
        for character in mask where character != "," && !character.isWhitespace {
            guard let nibble = character.hexDigitValue else { return nil }
            count += nibble.nonzeroBitCount
        }
        return count > 0 ? count : nil
    }
}
