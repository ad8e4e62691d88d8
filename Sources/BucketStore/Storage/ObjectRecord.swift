internal import S3Auth

/// Everything S3 keeps about an object besides its bytes; stored in the same file as the bytes (see `RecordFile`),
/// so the two can never disagree, whatever moment a crash picks.
///
/// Multipart uploads and their parts use the same record: an upload's file has no bytes, a part's record carries
/// its ETag and size.
struct ObjectRecord: Sendable, Equatable {
    var key: String
    var size: Int64 = 0
    /// The MD5 hex digest (or the multipart `digest-N`), without quotes.
    var etag: String = ""
    /// Milliseconds since 1970, UTC.
    var lastModified: Int64 = 0
    /// A random identity per write, so a read-modify-write (tagging) can tell whether the object changed meanwhile.
    var version: String = ""
    /// Content-Type, Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires: returned as
    /// they were stored, under these names.
    var contentHeaders: [Field] = []
    /// `x-amz-meta-*` names (lower-cased, without the prefix) and values.
    var metadata: [Field] = []
    var tags: [Field] = []
    /// A multipart object's part sizes, in order (GetObject by `partNumber` reads one); empty for other objects.
    var partSizes: [Int64] = []
    /// The object's checksum: the lower-case header name (`x-amz-checksum-crc32`) and the base64 value. The one its
    /// upload declared and its bytes were checked against, or, where it declared none, the CRC-64/NVME the store
    /// computed, as S3 adds one; a multipart object's is its upload's (``UploadChecksum``), a composite one ending
    /// in `-N` (base64 has no `-`). Nil only for objects stored before the store kept checksums.
    var checksum: Field?
    /// A multipart object's part checksums, in order, of the object's algorithm (GetObject by `partNumber` and
    /// GetObjectAttributes return them); empty when its parts had none.
    var partChecksums: [String] = []
    /// An upload's checksum, chosen by CreateMultipartUpload; nil for an upload that chose none (and for objects).
    var uploadChecksum: UploadChecksum?
    /// The object's storage class and encryption, as its write asked (an upload's, for the object it completes).
    var keeping = ObjectKeeping()

    struct Field: Sendable, Equatable {
        var name: String
        var value: String
    }

    static let contentHeaderNames = [
        "Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires",
        "x-amz-website-redirect-location",
    ]

    func contentHeader(_ name: String) -> String? {
        contentHeaders.first { $0.name == name }?.value
    }

    /// Whether the object's checksum is a checksum of its parts' checksums (`COMPOSITE`) rather than of its bytes.
    var checksumIsComposite: Bool { checksum?.value.contains("-") == true }

    /// `COMPOSITE` or `FULL_OBJECT`, as `x-amz-checksum-type` and `ChecksumType` say it.
    var checksumType: String { UploadChecksum.typeName(fullObject: !checksumIsComposite) }
}

/// The checksum a multipart upload asked for: an algorithm, and whether the object's checksum covers its bytes
/// (`FULL_OBJECT`, the CRCs) or its parts' checksums (`COMPOSITE`, all but CRC-64/NVME).
struct UploadChecksum: Sendable, Equatable {
    var algorithm: ChecksumAlgorithm
    var fullObject: Bool

    var type: String { Self.typeName(fullObject: fullObject) }

    /// `FULL_OBJECT` or `COMPOSITE`, as `x-amz-checksum-type` and `ChecksumType` name a checksum's type.
    static func typeName(fullObject: Bool) -> String { fullObject ? "FULL_OBJECT" : "COMPOSITE" }
}

extension ObjectRecord {
    /// A flat list of name/value strings, each length-prefixed: unambiguous whatever bytes keys and values hold.
    func encoded() -> [UInt8] {
        var fields: [(String, String)] = [
            ("key", key), ("size", String(size)), ("etag", etag), ("mtime", String(lastModified)),
            ("version", version),
        ]
        fields += contentHeaders.map { ("h:" + $0.name, $0.value) }
        fields += metadata.map { ("m:" + $0.name, $0.value) }
        fields += tags.map { ("t:" + $0.name, $0.value) }
        if !partSizes.isEmpty { fields.append(("parts", partSizes.map(String.init).joined(separator: ","))) }
        if let checksum { fields.append(("c:" + checksum.name, checksum.value)) }
        if !partChecksums.isEmpty { fields.append(("part-checksums", partChecksums.joined(separator: ","))) }
        if let uploadChecksum {
            fields.append(("upload-checksum", uploadChecksum.algorithm.name))
            fields.append(("upload-checksum-type", uploadChecksum.type))
        }
        fields += keeping.encodedFields
        var bytes: [UInt8] = []
        Self.append(UInt32(fields.count), to: &bytes)
        for (name, value) in fields {
            Self.append(UInt32(name.utf8.count), to: &bytes)
            bytes += name.utf8
            Self.append(UInt32(value.utf8.count), to: &bytes)
            bytes += value.utf8
        }
        return bytes
    }

    /// The record `encoded()` wrote, or nil for bytes it cannot have written.
    init?(decoding bytes: [UInt8]) {
        var reader = Reader(bytes: bytes)
        guard let count = reader.integer(), count <= 100_000 else { return nil }
        self.init(key: "")
        var sawKey = false
        for _ in 0..<count {
            guard let name = reader.string(), let value = reader.string() else { return nil }
            switch name {
            case "key":
                key = value
                sawKey = true
            case "size": size = Int64(value) ?? -1
            case "etag": etag = value
            case "mtime": lastModified = Int64(value) ?? 0
            case "version": version = value
            case "parts":
                let pieces = value.split(separator: ",", omittingEmptySubsequences: false)
                let sizes = pieces.compactMap { Int64(digits: String($0)) }
                guard sizes.count == pieces.count else { return nil }
                partSizes = sizes
            case "part-checksums":
                partChecksums = value.split(separator: ",").map(String.init)
            case "upload-checksum":
                guard let algorithm = ChecksumAlgorithm(name: value) else { return nil }
                uploadChecksum = UploadChecksum(algorithm: algorithm, fullObject: uploadChecksum?.fullObject ?? false)
            case "upload-checksum-type":
                guard let algorithm = uploadChecksum?.algorithm, value == "FULL_OBJECT" || value == "COMPOSITE" else {
                    return nil
                }
                uploadChecksum = UploadChecksum(algorithm: algorithm, fullObject: value == "FULL_OBJECT")
            default:
                if keeping.decode(name, value) {
                    // a storage class or encryption field
                } else if name.hasPrefix("h:") {
                    contentHeaders.append(Field(name: String(name.dropFirst(2)), value: value))
                } else if name.hasPrefix("m:") {
                    metadata.append(Field(name: String(name.dropFirst(2)), value: value))
                } else if name.hasPrefix("t:") {
                    tags.append(Field(name: String(name.dropFirst(2)), value: value))
                } else if name.hasPrefix("c:") {
                    checksum = Field(name: String(name.dropFirst(2)), value: value)
                }
            }
        }
        guard sawKey, size >= 0, reader.isAtEnd else { return nil }
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func integer() -> Int? {
            guard bytes.count - offset >= 4 else { return nil }
            var value = 0
            for byte in bytes[offset..<offset + 4] { value = value << 8 | Int(byte) }
            offset += 4
            return value
        }

        mutating func string() -> String? {
            guard let length = integer(), bytes.count - offset >= length else { return nil }
            defer { offset += length }
            return String(validating: bytes[offset..<offset + length], as: UTF8.self)
        }
    }
}
