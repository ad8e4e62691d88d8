public import AccessPointCore

/// Who is asking, as the authentication stage established it.
///
/// The principal feeds both `Principal` matching and the `aws:Principal…`/`aws:username`/`aws:userid` keys. An
/// account id alone (`{"AWS": "111122223333"}` in a policy) matches every principal of that account, so `account`
/// is kept apart from the ARN.
public struct RequestPrincipal: Sendable, Hashable, CustomStringConvertible {
    /// The caller's account; nil for anonymous callers and service principals.
    public let account: AccountID?
    /// `arn:aws:iam::111122223333:user/alice`, `…:root`, a role session ARN…; nil when anonymous.
    public let arn: String?
    /// `aws:username`, set for IAM users only.
    public let userName: String?
    /// `aws:userid`: the unique id of a user (`AIDA…`) or `ROLEID:session` for a role session.
    public let userID: String?
    /// A service principal such as `cloudtrail.amazonaws.com`, matched by `{"Service": …}`.
    public let service: String?

    public init(account: AccountID?, arn: String?, userName: String? = nil, userID: String? = nil) {
        self.init(account: account, arn: arn, userName: userName, userID: userID, service: nil)
    }

    private init(account: AccountID?, arn: String?, userName: String?, userID: String?, service: String?) {
        self.account = account
        self.arn = arn
        self.userName = userName
        self.userID = userID
        self.service = service
    }

    /// Nobody signed the request. Matches only `"*"` and `{"AWS": "*"}`.
    public static let anonymous = RequestPrincipal(account: nil, arn: nil, userName: nil, userID: nil, service: nil)

    /// The account's root user, `arn:aws:iam::ACCOUNT:root`.
    public static func root(_ account: AccountID, partition: String = "aws") -> RequestPrincipal {
        RequestPrincipal(account: account, arn: "arn:\(partition):iam::\(account):root", userID: account.rawValue)
    }

    /// An IAM user, `arn:aws:iam::ACCOUNT:user/NAME`, whose name is `aws:username`.
    public static func user(
        _ name: String,
        account: AccountID,
        userID: String? = nil,
        partition: String = "aws"
    ) -> RequestPrincipal {
        RequestPrincipal(
            account: account,
            arn: "arn:\(partition):iam::\(account):user/\(name)",
            userName: name,
            userID: userID
        )
    }

    /// An AWS service acting on its own behalf (`{"Service": "logging.s3.amazonaws.com"}`).
    public static func service(_ name: String) -> RequestPrincipal {
        RequestPrincipal(account: nil, arn: nil, userName: nil, userID: nil, service: name)
    }

    public var isAnonymous: Bool { account == nil && arn == nil && service == nil }

    public var description: String {
        if let arn { return arn }
        if let service { return service }
        return "anonymous"
    }
}
