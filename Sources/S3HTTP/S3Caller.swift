public import AccessPointCore

/// Who sent a request, as the router's authentication stage established it (SigV4 credentials mapped to a lab
/// user). Responders trust it: they never see an unauthenticated request.
public struct S3Caller: Sendable, Hashable {
    public var account: AccountID
    /// `arn:aws:iam::{account}:user/{name}` or `arn:aws:iam::{account}:root`.
    public var principalARN: String

    public init(account: AccountID, principalARN: String) {
        self.account = account
        self.principalARN = principalARN
    }
}
