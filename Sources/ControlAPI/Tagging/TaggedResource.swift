internal import AccessPointCore

/// The resource a `/v20180820/tags/{ResourceArn+}` request names. Only access points of the caller's account in
/// the endpoint's region can be tagged here; buckets, directory buckets and Storage Lens groups are not
/// emulated.
struct TaggedResource {
    var name: AccessPointName

    /// - Throws: `InvalidRequest` for text that is no S3 ARN, `AccessDenied` for another account's access point
    ///   (control operations are never cross-account), `NoSuchResource` for anything else that is not one of the
    ///   caller's access points here.
    init(arn text: String, _ context: ControlContext) throws(S3Error) {
        let arn: S3ResourceARN
        do {
            arn = try S3ResourceARN(parsing: text)
        } catch {
            throw .invalidRequest.because("'\(text)' is not a valid S3 resource ARN")
        }
        guard case .accessPoint(let accessPoint) = arn, accessPoint.region == context.region else {
            throw .noSuchResource
        }
        guard accessPoint.account == context.account else {
            throw .accessDenied.because("Access Denied: the resource belongs to another account")
        }
        name = accessPoint.name
    }
}
