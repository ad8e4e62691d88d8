/// The condition keys the router fills in (spec §4.3), spelled as policies usually spell them. Lookups ignore case,
/// so these spellings are for reading, not for matching.
public enum ConditionKey {
    public static let sourceIp = "aws:SourceIp"
    public static let vpcSourceIp = "aws:VpcSourceIp"
    public static let sourceVpc = "aws:SourceVpc"
    public static let sourceVpce = "aws:SourceVpce"
    public static let secureTransport = "aws:SecureTransport"
    public static let principalAccount = "aws:PrincipalAccount"
    public static let principalArn = "aws:PrincipalArn"
    public static let username = "aws:username"
    public static let userid = "aws:userid"
    public static let currentTime = "aws:CurrentTime"
    public static let epochTime = "aws:EpochTime"
    public static let dataAccessPointArn = "s3:DataAccessPointArn"
    public static let dataAccessPointAccount = "s3:DataAccessPointAccount"
    public static let accessPointNetworkOrigin = "s3:AccessPointNetworkOrigin"
    public static let resourceAccount = "s3:ResourceAccount"
    public static let prefix = "s3:prefix"
    public static let delimiter = "s3:delimiter"
    public static let maxKeys = "s3:max-keys"
    public static let cannedACL = "s3:x-amz-acl"
    public static let authType = "s3:authType"
    public static let signatureVersion = "s3:signatureversion"
    public static let signatureAge = "s3:signatureAge"
    public static let contentSHA256 = "s3:x-amz-content-sha256"
    public static let tlsVersion = "s3:TlsVersion"
    public static let serverSideEncryption = "s3:x-amz-server-side-encryption"
    public static let kmsKeyID = "s3:x-amz-server-side-encryption-aws-kms-key-id"
    public static let storageClass = "s3:x-amz-storage-class"
    public static let ifMatch = "s3:if-match"
    public static let ifNoneMatch = "s3:if-none-match"

    /// `s3:ExistingObjectTag/<tag-key>`.
    public static func existingObjectTag(_ tagKey: String) -> String { "s3:ExistingObjectTag/\(tagKey)" }
}
