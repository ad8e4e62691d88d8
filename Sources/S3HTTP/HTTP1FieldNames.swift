#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The field names clients and stores send most, spelled as they send them (botocore, the aws CLI, curl, wrk;
/// nginx, rclone and S3 answering): a parsed name that is one of these becomes its string literal, which costs
/// nothing to make or release, instead of a new String of its bytes (checked as UTF-8, then copied). The case must
/// match: fields keep the spelling they were sent with.
enum HTTP1FieldNames {
    /// The literal spelling `bytes` exactly, if it is a known name.
    static func known(_ bytes: UnsafeRawBufferPointer) -> String? {
        // A name is compared only with the known names of its length.
        switch bytes.count {
        case 4:
            if spells(bytes, "Host") { return "Host" }
            if spells(bytes, "host") { return "host" }
            if spells(bytes, "Date") { return "Date" }
            if spells(bytes, "ETag") { return "ETag" }
            if spells(bytes, "Vary") { return "Vary" }
        case 5:
            if spells(bytes, "Range") { return "Range" }
        case 6:
            if spells(bytes, "Accept") { return "Accept" }
            if spells(bytes, "Server") { return "Server" }
            if spells(bytes, "Expect") { return "Expect" }
        case 10:
            if spells(bytes, "User-Agent") { return "User-Agent" }
            if spells(bytes, "X-Amz-Date") { return "X-Amz-Date" }
            if spells(bytes, "Connection") { return "Connection" }
            if spells(bytes, "x-amz-date") { return "x-amz-date" }
            if spells(bytes, "Keep-Alive") { return "Keep-Alive" }
            if spells(bytes, "x-amz-id-2") { return "x-amz-id-2" }
        case 11:
            if spells(bytes, "Content-MD5") { return "Content-MD5" }
        case 12:
            if spells(bytes, "Content-Type") { return "Content-Type" }
        case 13:
            if spells(bytes, "Authorization") { return "Authorization" }
            if spells(bytes, "Last-Modified") { return "Last-Modified" }
            if spells(bytes, "Accept-Ranges") { return "Accept-Ranges" }
            if spells(bytes, "If-None-Match") { return "If-None-Match" }
            if spells(bytes, "Cache-Control") { return "Cache-Control" }
        case 14:
            if spells(bytes, "Content-Length") { return "Content-Length" }
        case 15:
            if spells(bytes, "Accept-Encoding") { return "Accept-Encoding" }
            if spells(bytes, "amz-sdk-request") { return "amz-sdk-request" }
        case 16:
            if spells(bytes, "x-amz-request-id") { return "x-amz-request-id" }
        case 17:
            if spells(bytes, "Transfer-Encoding") { return "Transfer-Encoding" }
        case 20:
            if spells(bytes, "X-Amz-Content-SHA256") { return "X-Amz-Content-SHA256" }
            if spells(bytes, "x-amz-content-sha256") { return "x-amz-content-sha256" }
        case 21:
            if spells(bytes, "amz-sdk-invocation-id") { return "amz-sdk-invocation-id" }
        default:
            break
        }
        return nil
    }

    /// Whether `bytes` are `name`'s bytes; the caller has matched the lengths.
    @inline(__always)
    private static func spells(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        memcmp(bytes.baseAddress!, name.utf8Start, bytes.count) == 0
    }
}
