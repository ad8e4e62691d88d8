import Foundation

/// One measured operation of a benchmark case, e.g. "verify a header-signed GET with a warm key cache".
///
/// `run(n)` performs the operation `n` times and returns a checksum folded from every result, so the optimiser
/// cannot drop the work; the caller prints it. Everything `run` needs is built before, outside the measurement.
struct Variant {
    /// Short name used on the command line (`--variant warm`).
    let name: String
    /// What one operation is, for the printed line: "verification", "decision", "64 MiB body".
    let operation: String
    /// For throughput cases, the payload bytes one operation processes; nil for per-operation cases.
    let bytesPerOperation: Int?
    let run: (Int) -> UInt64
}

/// The wall-clock result of one variant: nanoseconds per operation in each timed round.
struct Timing {
    let variant: Variant
    let iterations: Int
    let roundNanoseconds: [Double]
    let checksum: UInt64

    var perOperation: [Double] { roundNanoseconds.map { $0 / Double(iterations) } }
    var median: Double {
        let sorted = perOperation.sorted()
        return sorted[sorted.count / 2]
    }
    var best: Double { perOperation.min() ?? .nan }

    /// Decimal megabytes (10^6 bytes) per second at the median, for throughput variants.
    var megabytesPerSecond: Double? {
        variant.bytesPerOperation.map { Double($0) / median * 1e9 / 1e6 }
    }
}

enum Harness {
    /// One untimed warm-up round, then `rounds` timed rounds of `iterations` operations each.
    static func time(_ variant: Variant, iterations: Int, rounds: Int) -> Timing {
        let clock = ContinuousClock()
        var checksum = variant.run(max(1, iterations / 10))
        var samples: [Double] = []
        for _ in 0..<rounds {
            let start = clock.now
            checksum &+= variant.run(iterations)
            let elapsed = start.duration(to: clock.now)
            samples.append(Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
        }
        return Timing(variant: variant, iterations: iterations, roundNanoseconds: samples, checksum: checksum)
    }

    /// A markdown-ish line for one timing.
    static func line(_ caseName: String, _ timing: Timing) -> String {
        let rounds = "median of \(timing.roundNanoseconds.count) rounds × \(timing.iterations)"
        let checksum = "checksum \(String(timing.checksum, radix: 16))"
        if let rate = timing.megabytesPerSecond {
            return "| \(caseName) \(timing.variant.name) | \(format(rate, digits: 0)) MB/s | "
                + "\(format(timing.median / 1e6, digits: 2)) ms per \(timing.variant.operation) "
                + "(best \(format(timing.best / 1e6, digits: 2)) ms) | \(rounds) | \(checksum) |"
        }
        return
            "| \(caseName) \(timing.variant.name) | \(format(1e9 / timing.median, digits: 0)) \(timing.variant.operation)s/s | "
            + "\(format(timing.median, digits: 0)) ns per \(timing.variant.operation) "
            + "(best \(format(timing.best, digits: 0)) ns) | \(rounds) | \(checksum) |"
    }

    /// `value` with `digits` decimals and thousands separators, without Foundation's formatters.
    static func format(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        var text = String(whole)
        var grouped = ""
        while text.count > 3 {
            grouped = "," + text.suffix(3) + grouped
            text.removeLast(3)
        }
        grouped = text + grouped
        guard digits > 0 else { return grouped }
        let fraction = String(scaled % Int(scale))
        return grouped + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}

/// A fixed pseudo-random byte stream (xorshift64*), so every run hashes and signs the same bytes.
struct DeterministicBytes {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            var word = state &* 0x2545_F491_4F6C_DD1D
            for _ in 0..<min(8, count - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }
}

/// Stops the benchmark with a message; used when a fixture does not do what the case assumes (e.g. a request
/// that should verify does not), because a figure measured on a failing path would be meaningless.
func fail(_ message: String) -> Never {
    print("aprouter-bench: \(message)")
    exit(1)
}
