public import AccessPointCore

/// The durable state of the control plane: access points, their policies, the accounts' Block Public Access
/// settings, multi-region access points and their asynchronous requests. Every change is one transaction, so a crash leaves the old state or the new one, never half of a
/// change. The servers depend on this protocol only, so another store can replace SQLite without touching them.
/// What `setMultiRegionTrafficDials` did.
public enum TrafficDialChange: Sendable, Equatable {
    case changed
    /// No such multi-region access point.
    case notFound
    /// Nothing changed: no region would have stayed active.
    case noActiveRegion
}

public protocol AccessPointRegistry: Sendable {
    /// Stores a new access point with its tags, in one transaction (CreateAccessPoint's `Tags`).
    ///
    /// - Throws: `RegistryError.alreadyExists` when (account, region, name) is taken; `.quotaExceeded` when the
    ///   account already has `quota` access points in the region.
    func createAccessPoint(
        _ record: AccessPointRecord,
        tags: [ResourceTag],
        quota: Int
    ) async throws(RegistryError)

    /// An access point's tags, by key; nil when there is no such access point.
    func accessPointTags(
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError) -> [ResourceTag]?

    /// Merges `tags` into the access point's tags: a key already there takes the new value (TagResource).
    ///
    /// - Returns: false when there was no such access point.
    /// - Throws: `RegistryError.quotaExceeded`, with nothing changed, when the merged set would have more than
    ///   `limit` tags.
    func tagAccessPoint(
        _ tags: [ResourceTag],
        named name: AccessPointName,
        account: AccountID,
        region: Region,
        limit: Int
    ) async throws(RegistryError) -> Bool

    /// Removes the tags with these keys; keys that are not there are ignored (UntagResource is idempotent).
    ///
    /// - Returns: false when there was no such access point.
    func untagAccessPoint(
        keys: [String],
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError) -> Bool

    func accessPoint(
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError)
        -> AccessPointRecord?

    /// - Returns: false when there was no such access point.
    func deleteAccessPoint(
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError)
        -> Bool

    /// The account's access points in `region`, ordered by name, starting after `startAfter`, at most `limit`.
    func listAccessPoints(
        account: AccountID,
        region: Region,
        bucket: BucketName?,
        startAfter: AccessPointName?,
        limit: Int
    ) async throws(RegistryError) -> [AccessPointRecord]

    /// Replaces (or, with nil, removes) an access point's policy.
    ///
    /// - Returns: false when there was no such access point.
    func setAccessPointPolicy(
        _ policy: String?,
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError) -> Bool

    /// The account-level Block Public Access configuration, or nil when it was never set (or was deleted).
    func accountPublicAccessBlock(account: AccountID) async throws(RegistryError) -> PublicAccessBlock?

    /// Sets (or, with nil, deletes) the account-level Block Public Access configuration.
    func setAccountPublicAccessBlock(_ flags: PublicAccessBlock?, account: AccountID) async throws(RegistryError)

    /// Stores a new asynchronous request, or returns the one already stored for the same account, operation and
    /// client token (ClientToken idempotency, spec §2).
    func beginAsyncOperation(_ operation: AsyncOperationRecord) async throws(RegistryError) -> AsyncOperationRecord

    func asyncOperation(token: String, account: AccountID) async throws(RegistryError) -> AsyncOperationRecord?

    /// Every request still `INPROGRESS`, oldest first.
    func pendingAsyncOperations() async throws(RegistryError) -> [AsyncOperationRecord]

    /// Finishes a create in one transaction: stores `accessPoint` and marks the request `SUCCEEDED`, or, when
    /// `failure` is given or the name is taken meanwhile, marks it `FAILED` with that code and message.
    func completeCreate(
        token: String,
        accessPoint: MultiRegionAccessPointRecord?,
        failure: (code: String, message: String)?
    ) async throws(RegistryError) -> AsyncOperationRecord?

    /// Finishes a delete or put-policy request in one transaction: removes the multi-region access point named
    /// by the request, or makes the request's policy the established one, and marks the request `SUCCEEDED`; or
    /// marks it `FAILED` when `failure` is given or no such multi-region access point exists.
    func completeChange(
        token: String,
        failure: (code: String, message: String)?
    ) async throws(RegistryError)
        -> AsyncOperationRecord?

    func multiRegionAccessPoint(
        named name: MultiRegionAccessPointName,
        account: AccountID
    )
        async throws(RegistryError) -> MultiRegionAccessPointRecord?

    /// The account's multi-region access points, by name.
    func listMultiRegionAccessPoints(account: AccountID) async throws(RegistryError) -> [MultiRegionAccessPointRecord]

    /// Sets the traffic dials of some regions of a multi-region access point (SubmitMultiRegionAccessPointRoutes),
    /// all or none: none when no region would stay active (checked in the same transaction, so two changes at once
    /// cannot leave every region passive). The caller has checked that each names one of its regions.
    func setMultiRegionTrafficDials(
        _ dials: [Region: Int],
        named name: MultiRegionAccessPointName,
        account: AccountID
    ) async throws(RegistryError) -> TrafficDialChange

    /// The current state, as the data plane sees it.
    func snapshot() async throws(RegistryError) -> AccessPointSnapshot

    /// The current snapshot at once, then a new one after each committed change (consecutive changes may be
    /// delivered as one). Each subscriber gets its own stream; ending iteration unsubscribes.
    func snapshots() -> AsyncStream<AccessPointSnapshot>
}

extension AccessPointRegistry {
    /// Stores a new access point without tags.
    public func createAccessPoint(_ record: AccessPointRecord, quota: Int) async throws(RegistryError) {
        try await createAccessPoint(record, tags: [], quota: quota)
    }
}
