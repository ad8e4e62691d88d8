internal import S3Auth

/// What a listing needs to know about one object, kept in memory for every object of a bucket.
struct ObjectSummary: Sendable, Equatable {
    var key: String
    var size: Int64
    var etag: String
    var lastModified: Int64
    var version: String
    /// The algorithm of the object's checksum and whether it is composite, which listings name.
    var checksum: ChecksumAlgorithm?
    var checksumIsComposite: Bool
    /// The class listings name (STANDARD unless the write named another).
    var storageClass: String

    init(_ record: ObjectRecord) {
        key = record.key
        size = record.size
        etag = record.etag
        lastModified = record.lastModified
        version = record.version
        checksum = record.checksum.flatMap { ChecksumAlgorithm(headerName: $0.name) }
        checksumIsComposite = record.checksumIsComposite
        storageClass = record.keeping.listedClass
    }

    /// `ChecksumAlgorithm` and `ChecksumType`, as a listing's entries carry them when the object has a checksum.
    func writeChecksum(into writer: inout XMLWriter) {
        guard let checksum else { return }
        writer.element("ChecksumAlgorithm", checksum.name)
        writer.element("ChecksumType", UploadChecksum.typeName(fullObject: !checksumIsComposite))
    }
}

/// A bucket's objects in UTF-8 binary key order, as S3 lists them.
///
/// Keys are compared as bytes, never as `String`s: Swift compares strings by canonical equivalence, so `é` and
/// `e\u{301}` would be one key here while they are two in S3.
struct ObjectIndex: Sendable {
    private(set) var keys: [[UInt8]] = []
    private var entries: [[UInt8]: ObjectSummary] = [:]

    var count: Int { keys.count }

    subscript(key: [UInt8]) -> ObjectSummary? { entries[key] }

    mutating func upsert(_ summary: ObjectSummary) {
        let key = Array(summary.key.utf8)
        if entries.updateValue(summary, forKey: key) == nil {
            keys.insert(key, at: position(of: key))
        }
    }

    mutating func remove(_ key: [UInt8]) {
        guard entries.removeValue(forKey: key) != nil else { return }
        let index = position(of: key)
        if index < keys.count && keys[index] == key { keys.remove(at: index) }
    }

    /// The index of the first key not less than `key`.
    func position(of key: [UInt8]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The index of the first key greater than `key`.
    func position(after key: [UInt8]) -> Int {
        let index = position(of: key)
        return index < keys.count && keys[index] == key ? index + 1 : index
    }
}
