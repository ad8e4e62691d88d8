internal import AccessPointCore
public import Foundation
public import Registry

/// Finishes asynchronous multi-region requests: each `INPROGRESS` create at least `settleTime` old is checked
/// against the lab (every bucket exists and belongs to the named account, one bucket per region) and then, in
/// one registry transaction, either stores the multi-region access point and moves the request to `SUCCEEDED`,
/// or moves it to `FAILED` with the error's code and message.
///
/// It holds no task of its own: the executable calls `processPending()` on a timer (as a `Service`), and tests
/// call it directly after moving their clock, so nothing here sleeps.
public struct MultiRegionOperationProcessor: Sendable {
    let configuration: ControlAPIConfiguration
    let registry: any AccessPointRegistry
    let environment: ControlAPIEnvironment
    /// How long a request stays `INPROGRESS` before it is finished, like AWS's propagation delay.
    public var settleTime: TimeInterval

    public init(
        configuration: ControlAPIConfiguration,
        registry: any AccessPointRegistry,
        environment: ControlAPIEnvironment = .live,
        settleTime: TimeInterval = 1
    ) {
        self.configuration = configuration
        self.registry = registry
        self.environment = environment
        self.settleTime = settleTime
    }

    /// Finishes every request that has settled.
    ///
    /// - Returns: how many requests were finished.
    @discardableResult
    public func processPending() async throws(RegistryError) -> Int {
        let now = environment.now()
        var finished = 0
        for operation in try await registry.pendingAsyncOperations()
        where now.timeIntervalSince(operation.creationTime) >= settleTime {
            switch operation.operation {
            case "CreateMultiRegionAccessPoint":
                switch plan(operation, now: now) {
                case .success(let record):
                    _ = try await registry.completeCreate(token: operation.token, accessPoint: record, failure: nil)
                case .failure(let error):
                    _ = try await registry.completeCreate(
                        token: operation.token,
                        accessPoint: nil,
                        failure: (error.code, error.message)
                    )
                }
            default:
                _ = try await registry.completeChange(token: operation.token, failure: nil)
            }
            finished += 1
        }
        return finished
    }

    /// The multi-region access point a create request describes, or why it cannot exist.
    func plan(_ operation: AsyncOperationRecord, now: Date) -> Result<MultiRegionAccessPointRecord, S3Error> {
        guard let request = operation.createRequest,
            let name = try? MultiRegionAccessPointName(validating: request.name)
        else { return .failure(.invalidRequest.because("The request parameters could not be read")) }
        var entries: [MultiRegionAccessPointRecord.RegionEntry] = []
        for region in request.regions {
            let owner = region.bucketAccountId.flatMap { try? AccountID(validating: $0) } ?? operation.account
            guard let bucketName = try? BucketName(validating: region.bucket),
                let bucket = configuration.lab.buckets.first(where: { $0.name == bucketName && $0.account == owner })
            else {
                return .failure(
                    S3Error.noSuchBucket.because("The specified bucket does not exist: \(region.bucket)")
                )
            }
            if entries.contains(where: { $0.region == bucket.region }) {
                return .failure(
                    .invalidRequest.because(
                        "A Multi-Region Access Point can have only one bucket per Region; \(bucket.region) has two"
                    )
                )
            }
            entries.append(.init(region: bucket.region, bucket: bucket.name, bucketAccount: bucket.account))
        }
        guard
            let alias = try? MultiRegionAccessPointAlias(
                validating: "m" + environment.randomLowercaseAlphanumerics(12) + ".mrap"
            )
        else { return .failure(.internalError) }
        return .success(
            MultiRegionAccessPointRecord(
                account: operation.account,
                name: name,
                alias: alias,
                createdAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
                publicAccessBlock: request.flags,
                status: "READY",
                regions: entries.sorted { $0.region.rawValue < $1.region.rawValue }
            )
        )
    }
}
