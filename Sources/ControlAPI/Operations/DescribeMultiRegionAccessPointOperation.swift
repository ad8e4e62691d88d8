internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/async-requests/mrap/{RequestTokenARN+}`: the `AsyncOperation`, with the region results
    /// once it has succeeded and `ErrorDetails` once it has failed; 404 `NoSuchAsyncRequest` for unknown tokens.
    func describeMultiRegionAccessPointOperation(
        _ token: String,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        try requireMultiRegionControlRegion(context)
        let found = try await registryCall { () async throws(RegistryError) in
            try await registry.asyncOperation(token: token, account: context.account)
        }
        guard let operation = found else { throw .noSuchAsyncRequest }
        var regionNames: [String] = []
        if operation.status == "SUCCEEDED", let name = operation.createRequest?.name,
            let mrapName = try? MultiRegionAccessPointName(validating: name)
        {
            let record = try await registryCall { () async throws(RegistryError) in
                try await registry.multiRegionAccessPoint(named: mrapName, account: context.account)
            }
            regionNames = record?.regions.map(\.region.rawValue) ?? []
        }
        let xml = ControlXMLWriter(root: "DescribeMultiRegionAccessPointOperationResult") { xml in
            xml.element("AsyncOperation") { xml in
                xml.element("CreationTime", ControlXMLWriter.timestamp(operation.creationTime))
                xml.element("Operation", operation.operation)
                xml.element("RequestTokenARN", operation.token)
                xml.element("RequestParameters") { xml in
                    if let create = operation.createRequest {
                        xml.createRequestParameters(create)
                    } else if let name = operation.targetName {
                        xml.element(operation.operation + "Request") {
                            xml in
                            xml.element("Name", name)
                            if let policy = operation.policy { xml.element("Policy", policy) }
                        }
                    }
                }
                xml.element("RequestStatus", operation.status)
                switch operation.status {
                case "SUCCEEDED" where operation.createRequest != nil:
                    xml.element("ResponseDetails") { xml in
                        xml.element("MultiRegionAccessPointDetails") { xml in
                            xml.element("Regions") { xml in
                                for name in regionNames {
                                    xml.element("Region") { xml in
                                        xml.element("Name", name)
                                        xml.element("RequestStatus", "COMPLETED")
                                    }
                                }
                            }
                        }
                    }
                case "FAILED":
                    xml.element("ResponseDetails") { xml in
                        xml.element("ErrorDetails") { xml in
                            xml.element("Code", operation.errorCode ?? "InternalError")
                            xml.element("Message", operation.errorMessage ?? "")
                        }
                    }
                default:
                    break
                }
            }
        }
        return ok(context, xml: xml.xml)
    }
}

extension ControlXMLWriter {
    mutating func createRequestParameters(_ create: AsyncOperationRecord.CreateRequest) {
        element("CreateMultiRegionAccessPointRequest") { xml in
            xml.element("Name", create.name)
            if let given = create.publicAccessBlock {
                xml.element("PublicAccessBlock") { xml in
                    for flag in AsyncOperationRecord.CreateRequest.flagNames {
                        if let value = given[flag] { xml.element(flag, value) }
                    }
                }
            }
            xml.element("Regions") { xml in
                for region in create.regions {
                    xml.element("Region") { xml in
                        xml.element("Bucket", region.bucket)
                        if let account = region.bucketAccountId { xml.element("BucketAccountId", account) }
                    }
                }
            }
        }
    }
}
