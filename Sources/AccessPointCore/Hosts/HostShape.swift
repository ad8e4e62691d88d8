/// The labels of a host in front of its endpoint suffix, read right to left into a `HostClass`.
struct HostShape {
    let labels: [Substring]
    let name: String
    let isLabSuffix: Bool

    func classify() -> HostClass {
        guard let last = labels.last else {
            return .unknown(.unrecognisedEndpoint.because("'\(name)' is an endpoint suffix, not an endpoint"))
        }
        if last == "vpce" { return interfaceEndpoint() }
        if labels.count >= 2, labels.suffix(2) == ["accesspoint", "s3-global"] {
            return multiRegion(prefix: labels.dropLast(2))
        }
        if let region = try? Region(validating: String(last)) { return regional(region) }
        switch last {
        case "s3", "s3-external-1":
            let region = last == "s3" ? nil : try? Region(validating: "us-east-1")
            return s3Endpoint(prefix: labels.dropLast(), endpoint: .init(region: region), lab: isLabSuffix)
        case "s3-control" where isLabSuffix:
            return control(prefix: labels.dropLast(), endpoint: .init())
        default:
            return unrecognised()
        }
    }

    /// `… . service [. dualstack] . region`
    private func regional(_ region: Region) -> HostClass {
        var rest = labels.dropLast()
        var endpoint = HostClass.Endpoint(region: region)
        if rest.last == "dualstack" {
            endpoint.dualstack = true
            rest = rest.dropLast()
        }
        guard let service = rest.popLast() else { return unrecognised() }
        endpoint.fips = service.hasSuffix("-fips")
        switch endpoint.fips ? service.dropLast(5) : service {
        case "s3-accesspoint": return accessPoint(prefix: rest, endpoint: endpoint)
        case "s3-control": return control(prefix: rest, endpoint: endpoint)
        case "s3": return s3Endpoint(prefix: rest, endpoint: endpoint, lab: false)
        default: return unrecognised()
        }
    }

    /// `{label}.accesspoint.vpce-{id}.s3.{region}.vpce`, `{account}.control.vpce-…`, `{bucket}.bucket.vpce-…`.
    private func interfaceEndpoint() -> HostClass {
        let n = labels.count
        guard n >= 4, labels[n - 3] == "s3", labels[n - 4].hasPrefix("vpce-"), labels[n - 4].count > 5,
            let region = try? Region(validating: String(labels[n - 2]))
        else { return unrecognised() }
        let endpoint = HostClass.Endpoint(region: region, vpcEndpoint: String(labels[n - 4]))
        var prefix = labels.dropLast(4)
        switch prefix.popLast() {
        case nil: return .pathStyle(endpoint: endpoint)
        case "accesspoint": return accessPoint(prefix: prefix, endpoint: endpoint)
        case "control": return control(prefix: prefix, endpoint: endpoint)
        case "bucket": return prefix.isEmpty ? .pathStyle(endpoint: endpoint) : bucket(prefix, endpoint: endpoint)
        default: return unrecognised()
        }
    }

    private func multiRegion(prefix: ArraySlice<Substring>) -> HostClass {
        if prefix.isEmpty { return .pathStyle(endpoint: .init()) }
        let alias = prefix.joined(separator: ".")
        guard prefix.count == 2, let valid = try? MultiRegionAccessPointAlias(validating: alias) else {
            return .unknown(.invalidLabel.because("'\(alias)' is not a multi-region access point alias"))
        }
        return .multiRegionAccessPoint(alias: valid)
    }

    private func accessPoint(prefix: ArraySlice<Substring>, endpoint: HostClass.Endpoint) -> HostClass {
        guard let label = prefix.last else { return .pathStyle(endpoint: endpoint) }
        guard prefix.count == 1 else {
            return .unknown(
                .invalidLabel.because("'\(name)' has more than one label before the access point endpoint")
            )
        }
        switch Self.accessPointLabel(label) {
        case .success(let (name, account)): return .accessPoint(name: name, account: account, endpoint: endpoint)
        case .failure(let rejection): return .unknown(rejection)
        }
    }

    private func control(prefix: ArraySlice<Substring>, endpoint: HostClass.Endpoint) -> HostClass {
        guard let label = prefix.last else { return .control(account: nil, endpoint: endpoint) }
        guard prefix.count == 1, let account = try? AccountID(validating: String(label)) else {
            return .unknown(.invalidLabel.because("'\(name)': a control endpoint is prefixed by a 12-digit account id"))
        }
        return .control(account: account, endpoint: endpoint)
    }

    /// `{bucket}.s3…`: an alias, a bucket, or on a lab endpoint also an access point or an account.
    private func s3Endpoint(prefix: ArraySlice<Substring>, endpoint: HostClass.Endpoint, lab: Bool) -> HostClass {
        guard let label = prefix.last else { return .pathStyle(endpoint: endpoint) }
        if prefix.count == 1 {
            if label.hasSuffix("-s3alias") { return .accessPointAlias(alias: String(label), endpoint: endpoint) }
            // Twelve digits first: a failed validation builds its error's message, and most labels here are
            // access points.
            if lab, label.utf8.count == 12, label.utf8.allSatisfy(NameRules.isDigit),
                let account = try? AccountID(validating: String(label))
            {
                return .control(account: account, endpoint: endpoint)
            }
            if lab, case .success(let (name, account)) = Self.accessPointLabel(label) {
                return .accessPoint(name: name, account: account, endpoint: endpoint)
            }
        }
        return bucket(prefix, endpoint: endpoint)
    }

    private func bucket(_ prefix: ArraySlice<Substring>, endpoint: HostClass.Endpoint) -> HostClass {
        do {
            return .bucket(name: try BucketName(validating: prefix.joined(separator: ".")), endpoint: endpoint)
        } catch {
            return .unknown(.invalidLabel.because("'\(name)': \(error.reason)"))
        }
    }

    private func unrecognised() -> HostClass {
        .unknown(.unrecognisedEndpoint.because("'\(name)' is not an S3, access point or control endpoint"))
    }

    /// `{name}-{account}`, split at the last `-` because names contain hyphens (spec §1.1).
    static func accessPointLabel(_ label: Substring) -> Result<(AccessPointName, AccountID), HostRejection> {
        guard let dash = label.lastIndex(of: "-"),
            let account = try? AccountID(validating: String(label[label.index(after: dash)...]))
        else {
            return .failure(
                .invalidLabel.because("'\(label)' does not end with '-' and a 12-digit account id")
            )
        }
        do {
            return .success((try AccessPointName(validating: String(label[..<dash])), account))
        } catch {
            return .failure(.invalidLabel.because("'\(label)': \(error.reason)"))
        }
    }
}
