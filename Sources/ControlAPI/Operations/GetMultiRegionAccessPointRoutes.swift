internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/mrap/instances/{mrap+}/routes`: the routing configuration of the multi-region access point
    /// the ARN (or alias) names, a `Route` per region with its bucket and traffic dial: 100 active, 0 passive.
    /// The router sends a request to the first active region that answers, its own first; a passive one gets none.
    func getMultiRegionAccessPointRoutes(
        _ mrap: String,
        _ context: ControlContext
    ) async throws(S3Error) -> S3Response {
        let record = try await multiRegionAccessPoint(routesTarget: mrap, context)
        let arn = MultiRegionAccessPointARN(account: context.account, alias: record.alias)
        let xml = ControlXMLWriter(root: "GetMultiRegionAccessPointRoutesResult") { xml in
            xml.element("Mrap", arn.description)
            xml.element("Routes") { xml in
                for entry in record.regions {
                    xml.element("Route") { xml in
                        xml.element("Bucket", entry.bucket.rawValue)
                        xml.element("Region", entry.region.rawValue)
                        xml.element("TrafficDialPercentage", String(entry.trafficDialPercentage))
                    }
                }
            }
        }
        return ok(context, xml: xml.xml)
    }

    /// `PATCH /v20180820/mrap/instances/{mrap+}/routes`: sets the traffic dials of the regions each `Route` names
    /// by its `Bucket` or `Region` (0 passive, 1 to 100 active), all or none; at least one region must stay
    /// active. Takes effect with the next snapshot, as S3's takes effect within minutes.
    func submitMultiRegionAccessPointRoutes(
        _ mrap: String,
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error) -> S3Response {
        let record = try await multiRegionAccessPoint(routesTarget: mrap, context)
        let body = try await xmlBody(request)
        guard body.name == "SubmitMultiRegionAccessPointRoutesRequest", let updates = body.child("RouteUpdates") else {
            throw .malformedXML.because("Expected <SubmitMultiRegionAccessPointRoutesRequest> with <RouteUpdates>")
        }
        var dials: [Region: Int] = [:]
        for route in updates.children where route.name == "Route" {
            guard let text = route.value("TrafficDialPercentage"), let dial = Int(text), (0...100).contains(dial)
            else {
                throw .invalidRequest.because("Each route needs a TrafficDialPercentage from 0 to 100")
            }
            let bucket = route.value("Bucket")
            let region = route.value("Region")
            guard bucket != nil || region != nil,
                let entry = record.regions.first(where: { entry in
                    (bucket.map { $0 == entry.bucket.rawValue } ?? true)
                        && (region.map { $0 == entry.region.rawValue } ?? true)
                })
            else {
                throw .invalidRequest.because(
                    "A route names neither a bucket nor a region of this Multi-Region Access Point: "
                        + "bucket \(bucket ?? "none"), region \(region ?? "none")"
                )
            }
            dials[entry.region] = dial
        }
        guard !dials.isEmpty else { throw .malformedXML.because("RouteUpdates names no Route") }
        // Whether a region stays active is decided by the registry in the change's transaction: two changes at
        // once cannot leave every region passive.
        let change = try await registryCall { () async throws(RegistryError) in
            try await registry.setMultiRegionTrafficDials(dials, named: record.name, account: context.account)
        }
        switch change {
        case .changed: return ok(context)
        case .notFound: throw .noSuchMultiRegionAccessPoint
        case .noActiveRegion:
            throw .invalidRequest.because("At least one Region of a Multi-Region Access Point must stay active")
        }
    }

    /// The caller's multi-region access point that a routes operation names: by its ARN, as botocore sends it, or
    /// by its alias.
    private func multiRegionAccessPoint(
        routesTarget mrap: String,
        _ context: ControlContext
    ) async throws(S3Error) -> MultiRegionAccessPointRecord {
        let alias: MultiRegionAccessPointAlias
        if mrap.hasPrefix("arn:") {
            guard case .multiRegionAccessPoint(let arn)? = try? S3ResourceARN(parsing: mrap) else {
                throw .invalidRequest.because("'\(mrap)' is not a multi-region access point ARN")
            }
            guard arn.account == context.account else { throw .noSuchMultiRegionAccessPoint }
            alias = arn.alias
        } else {
            guard let parsed = try? MultiRegionAccessPointAlias(validating: mrap) else {
                throw .noSuchMultiRegionAccessPoint
            }
            alias = parsed
        }
        let all = try await registryCall { () async throws(RegistryError) in
            try await registry.listMultiRegionAccessPoints(account: context.account)
        }
        guard let record = all.first(where: { $0.alias == alias }) else { throw .noSuchMultiRegionAccessPoint }
        return record
    }
}
