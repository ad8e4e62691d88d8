public import AccessPointCore
public import Foundation

/// An asynchronous multi-region access point request (spec §2, `AsyncOperation`): stored `INPROGRESS` when the
/// request is accepted, and moved to `SUCCEEDED` or `FAILED` in the same transaction as the change it makes.
public struct AsyncOperationRecord: Sendable, Equatable {
    /// What a `CreateMultiRegionAccessPoint` request asked for, kept to be echoed as `RequestParameters`.
    public struct CreateRequest: Sendable, Equatable, Codable {
        public struct Region: Sendable, Equatable, Codable {
            public var bucket: String
            public var bucketAccountId: String?

            public init(bucket: String, bucketAccountId: String?) {
                self.bucket = bucket
                self.bucketAccountId = bucketAccountId
            }
        }

        public var name: String
        /// nil when the request carried no `PublicAccessBlock` element.
        public var publicAccessBlock: [String: Bool]?
        public var regions: [Region]

        public init(name: String, publicAccessBlock: [String: Bool]?, regions: [Region]) {
            self.name = name
            self.publicAccessBlock = publicAccessBlock
            self.regions = regions
        }
    }

    /// The `RequestTokenARN`, unique.
    public var token: String
    public var account: AccountID
    /// `CreateMultiRegionAccessPoint`, `DeleteMultiRegionAccessPoint` or `PutMultiRegionAccessPointPolicy`.
    public var operation: String
    /// The client's idempotency token: the same token again returns this operation.
    public var clientToken: String
    public var creationTime: Date
    /// `INPROGRESS`, `SUCCEEDED` or `FAILED`.
    public var status: String
    public var createRequest: CreateRequest?
    /// The multi-region access point a delete or put-policy request names.
    public var targetName: String?
    /// The policy a put-policy request carries.
    public var policy: String?
    public var errorCode: String?
    public var errorMessage: String?

    public init(
        token: String,
        account: AccountID,
        operation: String,
        clientToken: String,
        creationTime: Date,
        status: String,
        createRequest: CreateRequest?,
        targetName: String? = nil,
        policy: String? = nil,
        errorCode: String? = nil,
        errorMessage: String? = nil
    ) {
        self.token = token
        self.account = account
        self.operation = operation
        self.clientToken = clientToken
        self.creationTime = creationTime
        self.status = status
        self.createRequest = createRequest
        self.targetName = targetName
        self.policy = policy
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}
