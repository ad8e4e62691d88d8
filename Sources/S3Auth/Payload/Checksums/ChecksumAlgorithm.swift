import AccessPointCore
import Crypto

/// A checksum S3 accepts in an `x-amz-checksum-*` header or aws-chunked trailer.
public struct ChecksumAlgorithm: Hashable, Sendable {
    fileprivate enum Kind: Hashable, Sendable { case crc32, crc32c, crc64nvme, sha1, sha256 }
    fileprivate let kind: Kind

    public static let crc32 = ChecksumAlgorithm(kind: .crc32)
    public static let crc32c = ChecksumAlgorithm(kind: .crc32c)
    public static let crc64nvme = ChecksumAlgorithm(kind: .crc64nvme)
    public static let sha1 = ChecksumAlgorithm(kind: .sha1)
    public static let sha256 = ChecksumAlgorithm(kind: .sha256)

    /// The algorithm whose header is `name` (`x-amz-checksum-crc32`, any case), or `nil` for any other name.
    public init?(headerName name: some StringProtocol) {
        switch name.lowercased() {
        case "x-amz-checksum-crc32": kind = .crc32
        case "x-amz-checksum-crc32c": kind = .crc32c
        case "x-amz-checksum-crc64nvme": kind = .crc64nvme
        case "x-amz-checksum-sha1": kind = .sha1
        case "x-amz-checksum-sha256": kind = .sha256
        default: return nil
        }
    }

    private init(kind: Kind) { self.kind = kind }

    /// The lower-case header or trailer name, e.g. `x-amz-checksum-crc32`.
    public var headerName: String {
        switch kind {
        case .crc32: "x-amz-checksum-crc32"
        case .crc32c: "x-amz-checksum-crc32c"
        case .crc64nvme: "x-amz-checksum-crc64nvme"
        case .sha1: "x-amz-checksum-sha1"
        case .sha256: "x-amz-checksum-sha256"
        }
    }

    /// The length of the checksum in bytes (before base64).
    var byteCount: Int {
        switch kind {
        case .crc32, .crc32c: 4
        case .crc64nvme: 8
        case .sha1: 20
        case .sha256: 32
        }
    }

    /// The name S3 uses in messages: `CRC32`, `SHA256`…
    var displayName: String { String(headerName.dropFirst("x-amz-checksum-".count)).uppercased() }

    /// The base64 checksum of `bytes`, as a client writes it.
    public func checksum(of bytes: some Sequence<UInt8>) -> String {
        var running = RunningChecksum(self)
        running.update(bytes)
        return running.base64
    }

}

/// A checksum computed as a body streams past.
struct RunningChecksum: Sendable {
    private enum State: Sendable {
        case crc32(CRC32)
        case crc64(CRC64NVME)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
    }

    private var state: State

    init(_ algorithm: ChecksumAlgorithm) {
        switch algorithm.kind {
        case .crc32: state = .crc32(CRC32(.ieee))
        case .crc32c: state = .crc32(CRC32(.castagnoli))
        case .crc64nvme: state = .crc64(CRC64NVME())
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        }
    }

    mutating func update(_ bytes: some Sequence<UInt8>) {
        switch state {
        case .crc32(var crc):
            crc.update(bytes)
            state = .crc32(crc)
        case .crc64(var crc):
            crc.update(bytes)
            state = .crc64(crc)
        case .sha1(var hash):
            hash.update(data: Array(bytes))
            state = .sha1(hash)
        case .sha256(var hash):
            hash.update(data: Array(bytes))
            state = .sha256(hash)
        }
    }

    /// The base64 checksum of everything so far.
    var base64: String {
        switch state {
        case .crc32(let crc): Base64.encode(crc.bigEndianBytes)
        case .crc64(let crc): Base64.encode(crc.bigEndianBytes)
        case .sha1(let hash): Base64.encode(Array(hash.finalize()))
        case .sha256(let hash): Base64.encode(Array(hash.finalize()))
        }
    }
}
