internal import AccessPointCore
internal import S3Auth
internal import S3HTTP

/// Checksums as S3 keeps them: every object has one (the one its upload declared, or a CRC-64/NVME the store
/// computes), a multipart upload chooses its algorithm and type when it is created, and each of its parts is
/// checked against the algorithm the upload chose.
extension EmbeddedBucketStore {
    /// The algorithm the store computes for an upload that declares no checksum, as S3 does since 2025.
    static let defaultChecksum = ChecksumAlgorithm.crc64nvme

    /// The algorithm to compute while receiving `request`'s body: the default, unless the request declares a
    /// checksum of its own in a header or announced one for its trailer (the body then carries trailers).
    static func checksumToCompute(_ request: BucketRequest) -> ChecksumAlgorithm? {
        if request.body.trailers != nil { return nil }
        if (try? DeclaredChecksum.declared(in: request.headers.fields)) != nil { return nil }
        return defaultChecksum
    }

    /// The checksum an upload declared, in a header or in its aws-chunked trailer (known once the body has been
    /// read). The server that decoded the body checked it against the bytes before the body ended, so a body
    /// read to its end has it.
    static func checkedChecksum(_ request: BucketRequest) -> ObjectRecord.Field? {
        let declared =
            (try? DeclaredChecksum.declared(in: request.headers.fields))
            ?? (try? DeclaredChecksum.declared(in: request.body.trailers?.fields ?? []))
        return declared.map { ObjectRecord.Field(name: $0.algorithm.headerName, value: $0.value) }
    }

    /// The object checksum of a received upload: the one computed while receiving it, which only an upload that
    /// declared none has (``checksumToCompute(_:)``), else the one it declared, read from its fields once.
    static func objectChecksum(_ request: BucketRequest, _ received: ReceivedBytes) -> ObjectRecord.Field? {
        if let computed = received.computed {
            return ObjectRecord.Field(name: computed.algorithm.headerName, value: computed.value)
        }
        return checkedChecksum(request)
    }

    /// The stored checksum as S3 returns it: its header and its type.
    static func addChecksum(of record: ObjectRecord, to headers: inout S3Headers) {
        guard let checksum = record.checksum else { return }
        headers.add(name: checksum.name, value: checksum.value)
        headers.add(name: "x-amz-checksum-type", value: record.checksumType)
    }

    /// The checksum element and type of a stored checksum, in a response document.
    static func writeChecksum(_ checksum: ObjectRecord.Field?, type: String, into writer: inout XMLWriter) {
        guard let checksum, let algorithm = ChecksumAlgorithm(headerName: checksum.name) else { return }
        writer.element(algorithm.elementName, checksum.value)
        writer.element("ChecksumType", type)
    }

    /// The algorithm `x-amz-checksum-algorithm` names on CopyObject, or nil when it names none.
    static func copyChecksumAlgorithm(_ headers: S3Headers) throws(S3Error) -> ChecksumAlgorithm? {
        guard let name = headers["x-amz-checksum-algorithm"]?.trimmingSpaces else { return nil }
        guard let algorithm = ChecksumAlgorithm(name: name) else { throw unsupportedAlgorithm }
        return algorithm
    }

    static let unsupportedAlgorithm = S3Error.invalidRequest.because(
        "Checksum algorithm provided is unsupported. Please try again with any of the valid types: ["
            + ChecksumAlgorithm.all.map(\.name).joined(separator: ", ") + "]"
    )

    /// The checksum CreateMultipartUpload asks for in `x-amz-checksum-algorithm` and `x-amz-checksum-type`; nil
    /// when it names no algorithm. The type defaults to COMPOSITE, or FULL_OBJECT for CRC-64/NVME, which has no
    /// composite form.
    static func requestedUploadChecksum(_ headers: S3Headers) throws(S3Error) -> UploadChecksum? {
        let type = headers["x-amz-checksum-type"]?.trimmingSpaces
        if let type, type != "COMPOSITE", type != "FULL_OBJECT" {
            throw .invalidRequest.because("Value for x-amz-checksum-type header is invalid.")
        }
        guard let name = headers["x-amz-checksum-algorithm"]?.trimmingSpaces else {
            guard type == nil else {
                throw .invalidRequest.because(
                    "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
                )
            }
            return nil
        }
        guard let algorithm = ChecksumAlgorithm(name: name) else { throw unsupportedAlgorithm }
        let fullObject = type.map { $0 == "FULL_OBJECT" } ?? !algorithm.allowsComposite
        guard fullObject ? algorithm.allowsFullObject : algorithm.allowsComposite else {
            throw .invalidRequest.because(
                "The \(UploadChecksum.typeName(fullObject: fullObject)) checksum type cannot be used with the "
                    + "\(algorithm.name.lowercased()) checksum algorithm."
            )
        }
        return UploadChecksum(algorithm: algorithm, fullObject: fullObject)
    }

    /// A part of an upload that chose `algorithm` must declare a checksum of it.
    static func checkPartChecksum(_ declared: ObjectRecord.Field?, upload algorithm: ChecksumAlgorithm) throws(S3Error)
    {
        guard declared?.name != algorithm.headerName else { return }
        throw checksumTypeMismatch(
            expected: algorithm,
            actual: declared.flatMap { ChecksumAlgorithm(headerName: $0.name) }
        )
    }

    /// S3's refusal of a checksum of another algorithm than the one expected (`null` for none).
    static func checksumTypeMismatch(expected: ChecksumAlgorithm?, actual: ChecksumAlgorithm?) -> S3Error {
        .invalidRequest.because(
            "Checksum Type mismatch occurred, expected checksum Type: \(expected?.name.lowercased() ?? "null"), "
                + "actual checksum Type: \(actual?.name.lowercased() ?? "null")"
        )
    }

    /// The checksum a `Part` of CompleteMultipartUpload gives (`<ChecksumCRC32>`…), or nil when it gives none.
    ///
    /// - Throws: InvalidArgument for more than one, or for a value that is not the base64 of a checksum.
    static func completedPartChecksum(_ part: ParsedXML) throws(S3Error) -> ObjectRecord.Field? {
        let given = ChecksumAlgorithm.all.compactMap { algorithm in
            part.child(algorithm.elementName).map { (algorithm, $0.text.trimmingSpaces) }
        }
        guard let (algorithm, value) = given.first else { return nil }
        guard given.count == 1, algorithm.isValid(value) else {
            throw .invalidArgument.because("Invalid Base64 or multiple checksums present in request").adding(
                "ArgumentName",
                "Checksum"
            ).adding("ArgumentValue", given.map { "\($0.0.name):\($0.1);" }.joined())
        }
        return ObjectRecord.Field(name: algorithm.headerName, value: value)
    }

    /// A composite checksum: the checksum of the parts' binary checksums, then `-` and the number of parts.
    static func compositeChecksum(_ algorithm: ChecksumAlgorithm, of parts: [String]) -> String {
        let bytes = parts.flatMap { Base64.decode($0) ?? [] }
        return algorithm.checksum(of: bytes) + "-\(parts.count)"
    }

    /// The checksum of the whole object CompleteMultipartUpload may give in a header (`x-amz-checksum-crc32`),
    /// checked against the one computed: a composite one with or without its `-N`.
    ///
    /// - Throws: InvalidRequest for another algorithm or a malformed value, BadDigest for another checksum.
    static func checkExpectedObjectChecksum(_ headers: S3Headers, computed: ObjectRecord.Field) throws(S3Error) {
        for algorithm in ChecksumAlgorithm.all {
            guard let value = headers[algorithm.headerName]?.trimmingSpaces else { continue }
            guard algorithm.headerName == computed.name,
                let expected = ChecksumAlgorithm(headerName: computed.name)
            else {
                throw checksumTypeMismatch(expected: ChecksumAlgorithm(headerName: computed.name), actual: algorithm)
            }
            let (computedBase, computedCount) = Self.splitComposite(computed.value)
            let (base, count) = Self.splitComposite(value)
            let countIsValid = count.map { Int64(digits: String($0)) != nil && computedCount != nil } ?? true
            guard expected.isValid(String(base)), countIsValid else {
                throw .invalidRequest.because("Value for \(algorithm.headerName) header is invalid.")
            }
            guard base == computedBase, count == nil || count == computedCount else {
                throw .badDigest.because(
                    "The \(algorithm.name.lowercased()) you specified did not match the calculated checksum."
                )
            }
        }
    }

    /// `base64-N` split at its dash; a value without one is all base.
    static func splitComposite(_ value: String) -> (base: Substring, count: Substring?) {
        guard let dash = value.lastIndex(of: "-") else { return (Substring(value), nil) }
        return (value[..<dash], value[value.index(after: dash)...])
    }
}
