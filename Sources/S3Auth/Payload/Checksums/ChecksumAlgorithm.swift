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

    /// The algorithm `x-amz-checksum-algorithm` names (`CRC32`, `SHA256`…, any case), or nil for any other name.
    public init?(name: some StringProtocol) {
        guard let algorithm = Self.all.first(where: { $0.name == name.uppercased() }) else { return nil }
        self = algorithm
    }

    /// Every algorithm, in the order S3 lists them.
    public static let all: [ChecksumAlgorithm] = [.crc32, .crc32c, .crc64nvme, .sha1, .sha256]

    /// The length of the checksum in bytes (before base64).
    public var byteCount: Int {
        switch kind {
        case .crc32, .crc32c: 4
        case .crc64nvme: 8
        case .sha1: 20
        case .sha256: 32
        }
    }

    /// The name S3 uses in `x-amz-checksum-algorithm` and in messages: `CRC32`, `SHA256`…
    public var name: String {
        switch kind {
        case .crc32: "CRC32"
        case .crc32c: "CRC32C"
        case .crc64nvme: "CRC64NVME"
        case .sha1: "SHA1"
        case .sha256: "SHA256"
        }
    }

    /// The XML element S3 names a checksum of this algorithm with: `ChecksumCRC32`.
    public var elementName: String { "Checksum" + name }

    /// Whether a multipart upload's checksum may be of the whole object (`FULL_OBJECT`): the CRCs, which combine.
    public var allowsFullObject: Bool { kind != .sha1 && kind != .sha256 }

    /// Whether a multipart upload's checksum may be a checksum of its parts' checksums (`COMPOSITE`): all but
    /// CRC-64/NVME.
    public var allowsComposite: Bool { kind != .crc64nvme }

    /// Whether `value` is the base64 of a checksum of this algorithm's size.
    public func isValid(_ value: some StringProtocol) -> Bool {
        Base64.decode(String(value))?.count == byteCount
    }

    /// The base64 checksum of `bytes`, as a client writes it.
    public func checksum(of bytes: some Sequence<UInt8>) -> String {
        var running = RunningChecksum(self)
        let array = Array(bytes)
        array.withUnsafeBytes { running.update($0) }
        return running.base64
    }

}

/// A checksum computed as a body streams past, updated in place: each algorithm's state is a field of its own, so
/// an update never copies a hash's state (an enum's payload, taken out to be updated, would be copied on write).
public struct RunningChecksum: Sendable {
    private var crc32: CRC32?
    private var crc64: CRC64NVME?
    private var sha1: Insecure.SHA1?
    private var sha256: SHA256State?

    public init(_ algorithm: ChecksumAlgorithm) {
        switch algorithm.kind {
        case .crc32: crc32 = CRC32(.ieee)
        case .crc32c: crc32 = CRC32(.castagnoli)
        case .crc64nvme: crc64 = CRC64NVME()
        case .sha1: sha1 = Insecure.SHA1()
        case .sha256: sha256 = SHA256State()
        }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        crc32?.update(bytes)
        crc64?.update(bytes)
        sha1?.update(bufferPointer: bytes)
        sha256?.update(bytes)
    }

    /// The base64 checksum of everything so far.
    public var base64: String {
        if let crc32 { return Base64.encode(crc32.bigEndianBytes) }
        if let crc64 { return Base64.encode(crc64.bigEndianBytes) }
        if let sha1 { return Base64.encode(Array(sha1.finalize())) }
        guard var sha256 else { preconditionFailure("a running checksum has one algorithm") }
        return sha256.finalize().withUnsafeBytes { Base64.encode(Array($0)) }
    }
}
