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
/// is uniform): 9 draws from the system generator per request. Drawing once per character cost 92 `getrandom`
/// system calls per request, 7.6% of the router's CPU time in `bench/router/run.sh`.
public struct RandomS3RequestIDGenerator: S3RequestIDGenerator {
    private static let hex = Array("0123456789ABCDEF".utf8)
    private static let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public init() {}

    public func next() -> S3RequestID {
        var rng = SystemRandomNumberGenerator()
        return S3RequestID(
            requestID: Self.text(count: 16, from: Self.hex, bitsPerCharacter: 4, using: &rng),
            hostID: Self.text(count: 76, from: Self.base64, bitsPerCharacter: 6, using: &rng)
        )
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
        var bits: UInt64 = 0
        var left = 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            if left == 0 {
                bits = rng.next()
                left = perDraw
            }
            bytes.append(alphabet[Int(bits & mask)])
            bits >>= UInt64(bitsPerCharacter)
            left -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
