internal import AccessPointCore
internal import Foundation
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `POST /v20180820/async-requests/mrap/create`: stores the request `INPROGRESS` and returns its
    /// `RequestTokenARN` at once; `MultiRegionOperationProcessor` finishes it. The same `ClientToken` again
    /// returns the same token (spec §2).
    func createMultiRegionAccessPoint(
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        try requireMultiRegionControlRegion(context)
        let body = try await xmlBody(request)
        guard body.name == "CreateMultiRegionAccessPointRequest", let details = body.child("Details") else {
            throw .malformedXML.because("Expected <CreateMultiRegionAccessPointRequest> with <Details>")
        }
        let clientToken = try Self.clientToken(body.value("ClientToken"))
        guard let name = details.value("Name") else { throw .malformedXML.because("Details/Name is required") }
        guard (try? MultiRegionAccessPointName(validating: name)) != nil else {
            throw .invalidRequest.because("Your Amazon S3 Multi-Region Access Point name is invalid")
        }
        let regions = details.child("Regions")?.children("Region") ?? []
        guard !regions.isEmpty else { throw .malformedXML.because("Details/Regions needs at least one Region") }
        var flags: [String: Bool]?
        if let block = details.child("PublicAccessBlock") {
            var given: [String: Bool] = [:]
            for flag in AsyncOperationRecord.CreateRequest.flagNames {
                if let value = try block.boolean(flag) { given[flag] = value }
            }
            flags = given
        }
        var entries: [AsyncOperationRecord.CreateRequest.Region] = []
        for region in regions {
            guard let bucket = region.value("Bucket") else { throw .malformedXML.because("Region/Bucket is required") }
            entries.append(.init(bucket: bucket, bucketAccountId: region.value("BucketAccountId")))
        }
        let token =
            "arn:aws:s3:\(multiRegionControlRegion):\(context.account):async-request/mrap/create/"
            + environment.randomLowercaseAlphanumerics(32)
        let operation = AsyncOperationRecord(
            token: token,
            account: context.account,
            operation: "CreateMultiRegionAccessPoint",
            clientToken: clientToken,
            creationTime: environment.now(),
            status: "INPROGRESS",
            createRequest: .init(name: name, publicAccessBlock: flags, regions: entries)
        )
        let stored = try await registryCall { () async throws(RegistryError) in
            try await registry.beginAsyncOperation(operation)
        }
        let xml = ControlXMLWriter(root: "CreateMultiRegionAccessPointResult") { xml in
            xml.element("RequestTokenARN", stored.token)
        }
        return ok(context, xml: xml.xml)
    }

    /// At most 64 characters, none of them white space (spec §2).
    static func clientToken(_ text: String?) throws(S3Error) -> String {
        guard let text, !text.isEmpty else { throw .malformedXML.because("ClientToken is required") }
        guard text.count <= 64, !text.contains(where: \.isWhitespace) else {
            throw .invalidRequest.because("ClientToken must be 1 to 64 characters without white space")
        }
        return text
    }
}
