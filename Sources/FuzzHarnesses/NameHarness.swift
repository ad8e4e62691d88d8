import AccessPointCore

/// Host names (every request's `Host`, every CONNECT target) and ARNs (buckets named by ARN, `x-amz-copy-source`,
/// policies' resources). The input is read as text, ASCII upper case turned to lower case for a second reading.
///
/// Properties: an ARN that parses prints as text that parses to the same ARN (the router and the control API print
/// the ARNs they read); a host is classified the same whatever the case of its ASCII letters (DNS names are
/// case-insensitive, RFC 4343).
enum NameHarness {
    static let classifier = HostClassifier(
        endpointSuffixes: LabConfiguration.embeddedDefault.endpointSuffixes + ["amazonaws.com", "amazonaws.com.cn"]
    )

    static func run(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        if let arn = try? ARN(parsing: text) {
            require((try? ARN(parsing: arn.description)) == arn, "ARN \(text) prints as \(arn), which differs")
        }
        if let resource = try? S3ResourceARN(parsing: text) {
            require(
                (try? S3ResourceARN(parsing: resource.description)) == resource,
                "S3 ARN \(text) prints as \(resource), which differs"
            )
        }
        let lower = String(decoding: input.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        let asSent = classifier.classify(text)
        let lowered = classifier.classify(lower)
        require(
            asSent.description == lowered.description,
            "host \(text) is \(asSent), but \(lower) is \(lowered)"
        )
    }
}
