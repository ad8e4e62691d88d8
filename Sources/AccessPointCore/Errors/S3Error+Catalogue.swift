// The codes this project answers with, each with the status and default message Amazon S3 uses.
// Sources: Amazon S3 API reference "Error responses", LocalStack's AWS-validated s3control snapshots.

extension S3Error {
    // MARK: Authentication and transport

    public static let accessDenied = S3Error(code: "AccessDenied", status: 403, message: "Access Denied")
    public static let invalidAccessKeyId = S3Error(
        code: "InvalidAccessKeyId",
        status: 403,
        message: "The AWS Access Key Id you provided does not exist in our records."
    )
    public static let signatureDoesNotMatch = S3Error(
        code: "SignatureDoesNotMatch",
        status: 403,
        message:
            "The request signature we calculated does not match the signature you provided. Check your key and signing method."
    )
    public static let authorizationHeaderMalformed = S3Error(
        code: "AuthorizationHeaderMalformed",
        status: 400,
        message: "The authorization header is malformed."
    )
    public static let authorizationQueryParametersError = S3Error(
        code: "AuthorizationQueryParametersError",
        status: 400,
        message:
            "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
    )
    public static let requestTimeTooSkewed = S3Error(
        code: "RequestTimeTooSkewed",
        status: 403,
        message: "The difference between the request time and the current time is too large."
    )
    public static let xAmzContentSHA256Mismatch = S3Error(
        code: "XAmzContentSHA256Mismatch",
        status: 400,
        message: "The provided 'x-amz-content-sha256' header does not match what was computed."
    )
    public static let missingSecurityHeader = S3Error(
        code: "MissingSecurityHeader",
        status: 400,
        message: "Your request was missing a required header."
    )
    public static let expiredToken = S3Error(
        code: "ExpiredToken",
        status: 400,
        message: "The provided token has expired."
    )

    // MARK: Request shape

    public static let invalidRequest = S3Error(code: "InvalidRequest", status: 400, message: "Invalid Request")
    public static let invalidArgument = S3Error(code: "InvalidArgument", status: 400, message: "Invalid Argument")
    /// What S3's front end answers a request it cannot read as HTTP/1.1.
    public static let badRequest = S3Error(
        code: "BadRequest",
        status: 400,
        message: "An error occurred when parsing the HTTP request."
    )
    public static let requestHeaderSectionTooLarge = S3Error(
        code: "RequestHeaderSectionTooLarge",
        status: 400,
        message: "The request header and query parameters used to make the request exceed the maximum allowed size."
    )
    public static let invalidURI = S3Error(
        code: "InvalidURI",
        status: 400,
        message: "Couldn't parse the specified URI."
    )
    public static let malformedXML = S3Error(
        code: "MalformedXML",
        status: 400,
        message: "The XML you provided was not well-formed or did not validate against our published schema"
    )
    public static let malformedPolicy = S3Error(
        code: "MalformedPolicy",
        status: 400,
        message: "Policies must be valid JSON"
    )
    public static let invalidTag = S3Error(
        code: "InvalidTag",
        status: 400,
        message: "The tag provided was not a valid tag."
    )
    public static let invalidBucketName = S3Error(
        code: "InvalidBucketName",
        status: 400,
        message: "The specified bucket is not valid."
    )
    public static let invalidDigest = S3Error(
        code: "InvalidDigest",
        status: 400,
        message: "The Content-MD5 you specified is not valid."
    )
    public static let badDigest = S3Error(
        code: "BadDigest",
        status: 400,
        message: "The Content-MD5 you specified did not match what we received."
    )
    public static let incompleteBody = S3Error(
        code: "IncompleteBody",
        status: 400,
        message: "You did not provide the number of bytes specified by the Content-Length HTTP header."
    )
    public static let entityTooLarge = S3Error(
        code: "EntityTooLarge",
        status: 400,
        message: "Your proposed upload exceeds the maximum allowed size"
    )
    public static let entityTooSmall = S3Error(
        code: "EntityTooSmall",
        status: 400,
        message: "Your proposed upload is smaller than the minimum allowed object size."
    )
    public static let keyTooLongError = S3Error(code: "KeyTooLongError", status: 400, message: "Your key is too long")
    public static let missingContentLength = S3Error(
        code: "MissingContentLength",
        status: 411,
        message: "You must provide the Content-Length HTTP header."
    )
    public static let requestTimeout = S3Error(
        code: "RequestTimeout",
        status: 400,
        message: "Your socket connection to the server was not read from or written to within the timeout period."
    )
    public static let invalidRedirectLocation = S3Error(
        code: "InvalidRedirectLocation",
        status: 400,
        message: "The website redirect location must have a prefix of 'http://' or 'https://' or '/'."
    )
    public static let invalidStorageClass = S3Error(
        code: "InvalidStorageClass",
        status: 400,
        message: "The storage class you specified is not valid"
    )
    public static let methodNotAllowed = S3Error(
        code: "MethodNotAllowed",
        status: 405,
        message: "The specified method is not allowed against this resource."
    )
    public static let notImplemented = S3Error(
        code: "NotImplemented",
        status: 501,
        message: "A header you provided implies functionality that is not implemented"
    )
    public static let invalidRange = S3Error(
        code: "InvalidRange",
        status: 416,
        message: "The requested range is not satisfiable"
    )
    public static let invalidPartNumber = S3Error(
        code: "InvalidPartNumber",
        status: 416,
        message: "The requested partnumber is not satisfiable"
    )
    public static let preconditionFailed = S3Error(
        code: "PreconditionFailed",
        status: 412,
        message: "At least one of the pre-conditions you specified did not hold"
    )
    public static let notModified = S3Error(code: "NotModified", status: 304, message: "Not Modified")

    // MARK: Resources (data plane)

    public static let noSuchBucket = S3Error(
        code: "NoSuchBucket",
        status: 404,
        message: "The specified bucket does not exist"
    )
    public static let noSuchKey = S3Error(code: "NoSuchKey", status: 404, message: "The specified key does not exist.")
    public static let noSuchUpload = S3Error(
        code: "NoSuchUpload",
        status: 404,
        message:
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
    )
    public static let invalidPart = S3Error(
        code: "InvalidPart",
        status: 400,
        message:
            "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
    )
    public static let invalidPartOrder = S3Error(
        code: "InvalidPartOrder",
        status: 400,
        message: "The list of parts was not in ascending order. Parts must be ordered by part number."
    )
    public static let noSuchTagSet = S3Error(code: "NoSuchTagSet", status: 404, message: "The TagSet does not exist")
    public static let noSuchResource = S3Error(
        code: "NoSuchResource",
        status: 404,
        message: "The specified resource doesn't exist."
    )
    public static let noSuchBucketPolicy = S3Error(
        code: "NoSuchBucketPolicy",
        status: 404,
        message: "The bucket policy does not exist"
    )
    public static let noSuchCORSConfiguration = S3Error(
        code: "NoSuchCORSConfiguration",
        status: 404,
        message: "The CORS configuration does not exist"
    )
    public static let objectLockConfigurationNotFound = S3Error(
        code: "ObjectLockConfigurationNotFoundError",
        status: 404,
        message: "Object Lock configuration does not exist for this bucket"
    )
    /// ACLs are disabled (Object Ownership "bucket owner enforced", S3's default since April 2023): setting one is
    /// refused, unless it is the bucket owner's full control.
    public static let accessControlListNotSupported = S3Error(
        code: "AccessControlListNotSupported",
        status: 400,
        message: "The bucket does not allow ACLs"
    )
    public static let unexpectedContent = S3Error(
        code: "UnexpectedContent",
        status: 400,
        message: "This request does not support content"
    )
    public static let invalidObjectState = S3Error(
        code: "InvalidObjectState",
        status: 403,
        message: "The operation is not valid for the object's storage class"
    )
    public static let bucketAlreadyOwnedByYou = S3Error(
        code: "BucketAlreadyOwnedByYou",
        status: 409,
        message: "Your previous request to create the named bucket succeeded and you already own it."
    )

    // MARK: Control plane (S3 Control)

    public static let noSuchAccessPoint = S3Error(
        code: "NoSuchAccessPoint",
        status: 404,
        message: "The specified accesspoint does not exist"
    )
    public static let noSuchAccessPointPolicy = S3Error(
        code: "NoSuchAccessPointPolicy",
        status: 404,
        message: "The specified accesspoint policy does not exist"
    )
    public static let accessPointAlreadyOwnedByYou = S3Error(
        code: "AccessPointAlreadyOwnedByYou",
        status: 409,
        message: "Your previous request to create the named accesspoint succeeded and you already own it."
    )
    public static let invalidAccessPoint = S3Error(
        code: "InvalidAccessPoint",
        status: 400,
        message: "Your Amazon S3 AccessPoint name is invalid"
    )
    public static let tooManyAccessPoints = S3Error(
        code: "TooManyAccessPoints",
        status: 400,
        message: "You have attempted to create more access points than are allowed for an account."
    )
    public static let noSuchMultiRegionAccessPoint = S3Error(
        code: "NoSuchMultiRegionAccessPoint",
        status: 404,
        message: "The specified Multi-Region Access Point does not exist"
    )
    public static let noSuchAsyncRequest = S3Error(
        code: "NoSuchAsyncRequest",
        status: 404,
        message: "The specified async request does not exist"
    )
    public static let noSuchPublicAccessBlockConfiguration = S3Error(
        code: "NoSuchPublicAccessBlockConfiguration",
        status: 404,
        message: "The public access block configuration was not found"
    )
    public static let permanentRedirect = S3Error(
        code: "PermanentRedirect",
        status: 301,
        message:
            "The request was sent to the wrong endpoint. Multi-Region Access Point control requests go to us-west-2."
    )

    // MARK: Server

    public static let internalError = S3Error(
        code: "InternalError",
        status: 500,
        message: "We encountered an internal error. Please try again."
    )
    public static let serviceUnavailable = S3Error(
        code: "ServiceUnavailable",
        status: 503,
        message: "Please reduce your request rate."
    )
    public static let slowDown = S3Error(code: "SlowDown", status: 503, message: "Please reduce your request rate.")

    /// Every error above, for tests and documentation.
    public static let catalogue: [S3Error] = [
        accessDenied, invalidAccessKeyId, signatureDoesNotMatch, authorizationHeaderMalformed,
        authorizationQueryParametersError, requestTimeTooSkewed, xAmzContentSHA256Mismatch, missingSecurityHeader,
        expiredToken, invalidRequest, invalidArgument, badRequest, requestHeaderSectionTooLarge, invalidURI,
        malformedXML, malformedPolicy, invalidTag,
        invalidBucketName, invalidDigest, badDigest, incompleteBody, entityTooLarge, entityTooSmall, keyTooLongError,
        missingContentLength, requestTimeout, invalidRedirectLocation, invalidStorageClass, methodNotAllowed,
        notImplemented, invalidRange,
        invalidPartNumber,
        preconditionFailed,
        notModified, noSuchBucket, noSuchKey, noSuchUpload, invalidPart, invalidPartOrder, noSuchTagSet,
        noSuchResource, noSuchBucketPolicy, noSuchCORSConfiguration, objectLockConfigurationNotFound,
        accessControlListNotSupported,
        unexpectedContent, invalidObjectState, bucketAlreadyOwnedByYou, noSuchAccessPoint, noSuchAccessPointPolicy,
        accessPointAlreadyOwnedByYou, invalidAccessPoint, tooManyAccessPoints, noSuchMultiRegionAccessPoint,
        noSuchAsyncRequest, noSuchPublicAccessBlockConfiguration, permanentRedirect, internalError,
        serviceUnavailable, slowDown,
    ]
}
