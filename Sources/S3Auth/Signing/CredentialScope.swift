/// The credential scope `{yyyymmdd}/{region}/{service}/aws4_request` that binds a SigV4 signature to one day, one
/// region and one service (spec §5.3).
public struct CredentialScope: Hashable, Sendable {
    /// `yyyymmdd`, the UTC date of the request.
    public var date: String
    /// The region, e.g. `us-west-2`.
    public var region: String
    /// The service, `s3` for S3 and S3 Control alike.
    public var service: String

    /// The scope for `date` (`yyyymmdd`), `region` and `service`.
    public init(date: String, region: String, service: String = "s3") {
        self.date = date
        self.region = region
        self.service = service
    }

    /// The scope for the day of `time`.
    public init(time: AmzDate, region: String, service: String = "s3") {
        self.init(date: time.dateStamp, region: region, service: service)
    }

    /// The scope as written in a credential and a string to sign.
    public var string: String { "\(date)/\(region)/\(service)/aws4_request" }

    /// Appends the bytes of ``string``.
    func append(to out: inout [UInt8]) {
        out.append(contentsOf: date.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: region.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: service.utf8)
        out.append(contentsOf: "/aws4_request".utf8)
    }
}

extension CredentialScope: CustomStringConvertible {
    public var description: String { string }
}
