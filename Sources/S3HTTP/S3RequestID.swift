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
public struct RandomS3RequestIDGenerator: S3RequestIDGenerator {
    public init() {}

    public func next() -> S3RequestID {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789ABCDEF")
        let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let requestID = String((0..<16).map { _ in hex[Int(rng.next(upperBound: UInt8(hex.count)))] })
        let hostID = String((0..<76).map { _ in base64[Int(rng.next(upperBound: UInt8(base64.count)))] })
        return S3RequestID(requestID: requestID, hostID: hostID)
    }
}
