import AccessPointCore

// The checks between parsing the claims and computing the signature, one rule each (spec §5.1, §5.3, §5.4, §5.6).
extension SigV4Verifier {
    /// SigV4: the scope names an expected region. SigV4A: the region set (`x-amz-region-set` or
    /// `X-Amz-Region-Set`) names an expected region or `*`; returns the set.
    func checkRegion(
        of request: SigV4Request,
        claims: SignatureClaims,
        region: ExpectedRegion
    ) throws(S3Error) -> [String]? {
        switch claims.algorithm {
        case .hmacSHA256:
            guard region.accepts(claims.scope.region) else {
                throw .wrongRegion(claims.location, got: claims.scope.region, expecting: region.expectedName)
            }
            return nil
        case .ecdsaP256SHA256:
            guard let text = claims.regionSetParameter ?? request.value(of: "x-amz-region-set") else {
                throw .malformedSignature(claims.location, "SigV4A requires the x-amz-region-set header.")
            }
            let regions = text.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
            guard regions.contains(where: { $0 == "*" || region.accepts($0) }) else {
                throw .malformedSignature(
                    claims.location,
                    "the region set '\(text.prefix(256))' does not include '\(region.expectedName)'"
                ).adding("Region", region.expectedName)
            }
            return regions
        }
    }

    /// The signing time: `X-Amz-Date` of a presigned URL, else `x-amz-date`, else `Date`. Checks that the scope
    /// date matches it, that it is within the allowed skew and, for presigned URLs, that it has not expired.
    func requestTime(of request: SigV4Request, claims: SignatureClaims, now: AmzDate) throws(S3Error) -> AmzDate {
        let time: AmzDate
        // The time as sent, for the skew error; a presigned URL's is written only if that error is thrown.
        let sentText: String?
        if let presigned = claims.presignedTime {
            time = presigned
            sentText = nil
        } else if let amzDate = request.value(ofLowercased: "x-amz-date") {
            guard let parsed = AmzDate(iso8601Basic: amzDate) else { throw Self.missingDate }
            time = parsed
            sentText = amzDate
        } else if let date = request.value(ofLowercased: "date"), let parsed = AmzDate(httpDate: date) {
            time = parsed
            sentText = date
        } else {
            throw Self.missingDate
        }

        guard time.hasDateStamp(claims.scope.date) else {
            let name = claims.location == .query ? "X-Amz-Date" : "X-Amz-Date header"
            throw .malformedSignature(claims.location, "Invalid credential date. Date is not the same as \(name).")
        }
        if let expires = claims.expires {
            let expiry = time.adding(seconds: expires)
            guard now <= expiry else {
                throw S3Error.accessDenied.because("Request has expired")
                    .adding("X-Amz-Expires", String(expires))
                    .adding("Expires", expiry.iso8601)
                    .adding("ServerTime", now.iso8601)
            }
            guard time.secondsSince1970 - now.secondsSince1970 <= configuration.maxClockSkewSeconds else {
                throw skewed(sentText ?? time.iso8601Basic, now: now)
            }
        } else {
            guard abs(time.secondsSince1970 - now.secondsSince1970) <= configuration.maxClockSkewSeconds else {
                throw skewed(sentText ?? time.iso8601Basic, now: now)
            }
        }
        return time
    }

    /// `host` is signed, every signed header is present, and every `x-amz-*` header present is signed.
    func checkSignedHeaders(of request: SigV4Request, claims: SignatureClaims) throws(S3Error) {
        guard claims.signedHeaders.contains("host") else {
            throw .malformedSignature(claims.location, "SignedHeaders must include host.")
        }
        let headers = request.headers
        // Names read by index: binding each header to a local retained and released both of its strings.
        for name in claims.signedHeaders
        where !headers.indices.contains(where: { HeaderName.matches(headers[$0].name, name) }) {
            throw .malformedSignature(
                claims.location,
                "SignedHeaders names '\(name)', which the request does not carry."
            )
        }
        guard headers.indices.contains(where: { Self.isUnsignedAmzHeader(headers[$0].name, claims: claims) }) else {
            return
        }
        let present = Set(request.headers.map { $0.name.lowercased() })
        let signed = Set(claims.signedHeaders)
        let unsigned = present.filter { $0.hasPrefix("x-amz-") && !signed.contains($0) }.sorted()
        throw S3Error.accessDenied.because("There were headers present in the request which were not signed")
            .adding("HeadersNotSigned", unsigned.joined(separator: ", "))
    }

    /// Whether `name`, lower-cased, starts with `x-amz-` and is not signed; on bytes when `name` is ASCII.
    private static func isUnsignedAmzHeader(_ name: String, claims: SignatureClaims) -> Bool {
        guard HeaderName.isASCII(name) else {
            let lowercased = name.lowercased()
            return lowercased.hasPrefix("x-amz-") && !claims.signedHeaders.contains(lowercased)
        }
        return HeaderName.hasASCIIPrefix(name, "x-amz-")
            && !claims.signedHeaders.contains { HeaderName.matches(name, $0) }
    }

    /// The payload hash the canonical request ends with: `x-amz-content-sha256`, which header-signed S3 requests
    /// must carry, or `UNSIGNED-PAYLOAD` for a presigned URL without it.
    func payloadHash(of request: SigV4Request, claims: SignatureClaims) throws(S3Error) -> String {
        if let value = request.value(ofLowercased: "x-amz-content-sha256") {
            return CanonicalRequest.canonicalValue(value)
        }
        guard claims.location == .query else {
            throw S3Error.invalidRequest.because("Missing required header for this request: x-amz-content-sha256")
        }
        return PayloadMode.unsignedPayload
    }

    private static let missingDate = S3Error.accessDenied.because(
        "AWS authentication requires a valid Date or x-amz-date header"
    )

    private func skewed(_ sent: String, now: AmzDate) -> S3Error {
        S3Error.requestTimeTooSkewed
            .adding("RequestTime", sent)
            .adding("ServerTime", now.iso8601)
            .adding("MaxAllowedSkewMilliseconds", String(configuration.maxClockSkewSeconds * 1000))
    }
}
