internal import COpenSSL

/// SHA-256 of SigV4's hot path, as a value: the system libcrypto's context on the stack (`SHA256_CTX`), with no
/// allocation to make, copy or free.
///
/// Why not swift-crypto's `SHA256`, which the rest of S3Auth uses: its state is an object, allocated for each hash
/// and again when a copy is updated (copy-on-write), and each update and finalize goes through its wrapper's
/// exclusivity checks; a verification and a re-signing make six of them per request (the canonical requests'
/// hashes and two HMACs, whose pads are copied and updated), about 7,000 instructions and six allocations per
/// proxied GET under callgrind (bench/README.md, session 14). OpenSSL computes the same blocks with the CPU's SHA
/// extensions.
struct SHA256State {
    private var context = SHA256_CTX()

    static let blockByteCount = 64

    init() {
        capt_sha256_init(&context)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        capt_sha256_update(&context, base, bytes.count)
    }

    /// The digest; the state is spent (a copy taken before goes on).
    mutating func finalize() -> SHA256Value {
        var digest = SHA256Value()
        withUnsafeMutableBytes(of: &digest.words) { capt_sha256_final(&context, $0.baseAddress!) }
        return digest
    }

    /// The SHA-256 of `bytes`.
    static func digest(of bytes: UnsafeRawBufferPointer) -> SHA256Value {
        var state = SHA256State()
        state.update(bytes)
        return state.finalize()
    }

    /// The SHA-256 of `bytes`.
    static func digest(of bytes: [UInt8]) -> SHA256Value {
        bytes.withUnsafeBytes { digest(of: $0) }
    }
}

/// A SHA-256 digest: 32 bytes, held inline.
struct SHA256Value {
    fileprivate var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static let byteCount = 32

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words) { try body($0) }
    }
}
