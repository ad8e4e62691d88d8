import AccessPointCore

// The SigV4 errors with S3's wording, in one place so that header and query authentication word them alike.
extension S3Error {
    /// SigV2, and every algorithm other than SigV4 (spec §3).
    static let useSigV4 = S3Error.invalidRequest.because("Please use AWS4-HMAC-SHA256.")

    /// The error for a malformed part of the signature, worded for where the signature travelled.
    static func malformedSignature(_ location: SigV4Authentication.Location, _ problem: String) -> S3Error {
        switch location {
        case .header: S3Error.authorizationHeaderMalformed.because("The authorization header is malformed; \(problem)")
        case .query: S3Error.authorizationQueryParametersError.because(problem)
        }
    }

    /// A credential for another region than the endpoint's, with the `Region` element S3 adds.
    static func wrongRegion(_ location: SigV4Authentication.Location, got: String, expecting: String) -> S3Error {
        let problem = "the region '\(got)' is wrong; expecting '\(expecting)'"
        switch location {
        case .header: return malformedSignature(.header, problem).adding("Region", expecting)
        case .query:
            return malformedSignature(.query, "Error parsing the X-Amz-Credential parameter; \(problem)")
                .adding("Region", expecting)
        }
    }

    static let malformedCredential =
        "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."

    /// The mismatch error with everything a client needs to find its mistake (spec §5.7).
    static func signatureMismatch(
        accessKeyID: String,
        stringToSign: StringToSign,
        provided: String,
        canonicalRequest: CanonicalRequest
    ) -> S3Error {
        let stringToSignText = stringToSign.text
        let canonicalText = canonicalRequest.text
        return S3Error.signatureDoesNotMatch
            .adding("AWSAccessKeyId", accessKeyID)
            .adding("StringToSign", stringToSignText)
            .adding("SignatureProvided", provided)
            .adding("StringToSignBytes", Hex.spaced(stringToSignText.utf8))
            .adding("CanonicalRequest", canonicalText)
            .adding("CanonicalRequestBytes", Hex.spaced(canonicalText.utf8))
    }
}
