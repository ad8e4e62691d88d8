public import AccessPointCore

/// A checksum a request declares for its body in an `x-amz-checksum-*` header (`x-amz-checksum-crc32: DUoRhQ==`),
/// which S3 checks against the bytes it receives; an aws-chunked body declares its own in the trailer instead
/// (``AWSChunkedStateMachine``).
public struct DeclaredChecksum: Sendable, Equatable {
    public let algorithm: ChecksumAlgorithm
    /// The base64 value, as the client sent it.
    public let value: String

    public init(algorithm: ChecksumAlgorithm, value: String) {
        self.algorithm = algorithm
        self.value = value
    }

    /// The checksum `fields` declare, as ``declared(in:)`` reads it, with `x-amz-sdk-checksum-algorithm` checked
    /// as S3 checks it: it must name the algorithm of the checksum a header declares or the trailer of `payload`
    /// announced, and there must be one.
    ///
    /// - Throws: what ``declared(in:)`` throws, and InvalidRequest for an SDK algorithm with no checksum or another
    ///   algorithm, with S3's messages.
    public static func declared(
        in fields: [HTTPField],
        payload: PayloadRequirement
    ) throws(S3Error) -> DeclaredChecksum? {
        let declared = try declared(in: fields)
        guard let named = fields.first(where: { HeaderName.matches($0.name, "x-amz-sdk-checksum-algorithm") }) else {
            return declared
        }
        var trailer: ChecksumAlgorithm?
        if case .awsChunked(let configuration) = payload { trailer = configuration.trailerChecksum }
        guard let sent = declared?.algorithm ?? trailer else {
            throw S3Error.invalidRequest.because(
                "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer "
                    + "headers were found."
            )
        }
        guard ChecksumAlgorithm(name: CanonicalRequest.canonicalValue(named.value)) == sent else {
            throw S3Error.invalidRequest.because("Value for x-amz-sdk-checksum-algorithm header is invalid.")
        }
        return declared
    }

    /// The checksum `fields` declare, or nil when they declare none.
    ///
    /// - Throws: InvalidRequest for two checksum headers, or for a value that is not the base64 of a checksum of the
    ///   algorithm's size, with S3's messages.
    public static func declared(in fields: [HTTPField]) throws(S3Error) -> DeclaredChecksum? {
        var declared: DeclaredChecksum?
        // `x-amz-checksum-sha1` is the shortest algorithm's name, `x-amz-checksum-crc64nvme` the longest: other
        // names are passed on their length alone, the rest compared without lower-casing (every request is looked
        // at, a GET from botocore carries `x-amz-checksum-mode`, few carry a checksum).
        for field in fields where (19...24).contains(field.name.utf8.count) {
            guard HeaderName.hasASCIIPrefix(field.name, "x-amz-checksum-"),
                let algorithm = ChecksumAlgorithm.all.first(where: { HeaderName.matches(field.name, $0.headerName) })
            else { continue }
            guard declared == nil else {
                throw S3Error.invalidRequest.because(
                    "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
                )
            }
            let value = field.value
            guard algorithm.isValid(value) else {
                throw S3Error.invalidRequest.because("Value for \(algorithm.headerName) header is invalid.")
            }
            declared = DeclaredChecksum(algorithm: algorithm, value: value)
        }
        return declared
    }
}

/// Checks a body against a ``DeclaredChecksum`` as it streams past.
public struct DeclaredChecksumChecker: StreamingPayloadCheck {
    private let declared: DeclaredChecksum
    private var running: RunningChecksum

    public init(_ declared: DeclaredChecksum) {
        self.declared = declared
        running = RunningChecksum(declared.algorithm)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        running.update(bytes)
    }

    /// - Throws: BadDigest when the bytes seen do not have the declared checksum.
    public func finish() throws(S3Error) {
        let computed = running.base64
        guard computed == declared.value else {
            throw S3Error.badDigest.because(
                "The \(declared.algorithm.name) you specified did not match the calculated checksum."
            )
            .adding("ClientComputedChecksum", declared.value)
            .adding("S3ComputedChecksum", computed)
        }
    }
}

/// A check of a body's bytes as they stream past, decided when the body ends: the SHA-256 the signature covers
/// (``PayloadSHA256Checker``) or a declared checksum (``DeclaredChecksumChecker``).
public protocol StreamingPayloadCheck: Sendable {
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// - Throws: the S3 error that says the bytes did not pass.
    func finish() throws(S3Error)
}

extension PayloadSHA256Checker: StreamingPayloadCheck {}
