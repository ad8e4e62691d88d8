import Synchronization

/// The identifiers S3 puts on every response: `x-amz-request-id` and `x-amz-id-2`, repeated in error bodies as
/// `RequestId` and `HostId`.
public struct S3RequestID: Sendable, Hashable {
    public var requestID: String
    public var hostID: String

    public init(requestID: String, hostID: String) {
        self.requestID = requestID
        self.hostID = hostID
    }
}

/// Makes one `S3RequestID` per request. Injected, so tests see fixed identifiers.
public protocol S3RequestIDGenerator: Sendable {
    func next() -> S3RequestID
}

/// Random identifiers shaped like S3's: 16 upper-case hex digits, and a 76-character base64-like host id.
///
/// Each character takes 4 or 6 bits of a 64-bit draw (both alphabets have a power-of-two size, so every character
/// is uniform): 9 draws per request, from a xoshiro256** generator seeded once from the system's generator.
/// Identifiers need to be unique, not secret (S3 shows them to anyone who gets an answer), and
/// `SystemRandomNumberGenerator` makes one `getrandom` system call per draw: 9 per request were about 3% of the
/// router's CPU time in `bench/router/run.sh`, for nothing a seeded generator does not give.
public final class RandomS3RequestIDGenerator: S3RequestIDGenerator {
    private static let hex = Array("0123456789ABCDEF".utf8)
    private static let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private let state: Mutex<Xoshiro256StarStar>

    public init() {
        var system = SystemRandomNumberGenerator()
        state = Mutex(Xoshiro256StarStar(seed: system.next(), system.next(), system.next(), system.next()))
    }

    public func next() -> S3RequestID {
        state.withLock { rng in
            S3RequestID(
                requestID: Self.text(count: 16, from: Self.hex, bitsPerCharacter: 4, using: &rng),
                hostID: Self.text(count: 76, from: Self.base64, bitsPerCharacter: 6, using: &rng)
            )
        }
    }

    /// `count` characters of `alphabet` (2^`bitsPerCharacter` of them), `64 / bitsPerCharacter` per draw.
    static func text(
        count: Int,
        from alphabet: [UInt8],
        bitsPerCharacter: Int,
        using rng: inout some RandomNumberGenerator
    ) -> String {
        let mask = UInt64(alphabet.count - 1)
        let perDraw = 64 / bitsPerCharacter
        // Written straight into the String's storage: no array of bytes first and no copy of it.
        return alphabet.withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: count) { out in
                // One draw, then its characters, low bits first (a count of the draw's characters left, kept per
                // character, was a sixth of the loop's instructions).
                let shift = UInt64(bitsPerCharacter)
                var index = 0
                while index < count {
                    var bits = rng.next()
                    let end = min(index + perDraw, count)
                    while index < end {
                        out[index] = alphabet[Int(bits & mask)]
                        bits >>= shift
                        index += 1
                    }
                }
                return count
            }
        }
    }
}

/// xoshiro256** (Blackman and Vigna, https://prng.di.unimi.it/xoshiro256starstar.c): fast, small, 2^256 − 1
/// period, not cryptographic. Written out here (a dozen lines) rather than taken from a package: none of the
/// packages this project may depend on offers a seedable generator.
struct Xoshiro256StarStar: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// The four words must not all be zero; a zero seed is replaced by a fixed non-zero one.
    init(seed a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) {
        s = (a | b | c | d) == 0 ? (0x9E37_79B9_7F4A_7C15, 1, 2, 3) : (a, b, c, d)
    }

    mutating func next() -> UInt64 {
        let result = (s.1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3.rotatedLeft(by: 45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
