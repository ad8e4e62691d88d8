internal import AccessPointCore
internal import S3HTTP

extension ControlAPIResponder {
    /// `POST /v20180820/async-requests/mrap/delete`: asynchronous; the request fails later if the name is unknown.
    func deleteMultiRegionAccessPoint(
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        try requireMultiRegionControlRegion(context)
        let body = try await changeRequestBody(request, root: "DeleteMultiRegionAccessPointRequest")
        return try await beginMultiRegionChange(
            "DeleteMultiRegionAccessPoint",
            pathVerb: "delete",
            clientToken: body.clientToken,
            name: body.name,
            policy: nil,
            context
        )
    }
}
