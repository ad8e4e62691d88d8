import AccessPointCore
import Testing

@testable import UpstreamStore

/// Which of the store's response fields reach the client: the byte comparison answers as lowercasing the name and
/// looking it up in the sets does.
struct UpstreamHeadersTests {
    static let names = [
        "Content-Type", "ETag", "Content-Length", "Last-Modified", "Accept-Ranges", "Server", "Date", "Connection",
        "connection", "CONNECTION", "connectioN", "Keep-Alive", "TE", "te", "Te", "Trailer", "Transfer-Encoding",
        "Upgrade", "Proxy-Authenticate", "Proxy-Connection", "proxy-", "Proxy-Anything", "prox", "proxy",
        "X-Amz-Request-Id", "x-amz-id-2", "X-AMZ-ID-2", "x-amz-id-3", "x-amz-request-id2", "", "t", "[onnection",
        "Connect\u{131}on", "\u{130}", "Proxy-\u{E9}", "Conn\u{E9}ction", "Te\u{301}",
    ]

    @Test(arguments: Self.names)
    func returnsAsTheSetsSay(name: String) {
        let lowered = name.lowercased()
        let expected =
            !UpstreamHeaders.hopByHop.contains(lowered) && !UpstreamHeaders.notReturned.contains(lowered)
            && !lowered.hasPrefix("proxy-")
        #expect(UpstreamHeaders.returns(name) == expected, "\(name)")
    }

    static let requestNames =
        names + [
            "Host", "host", "Authorization", "X-Amz-Date", "x-amz-content-sha256", "X-Amz-Security-Token", "Expect",
            "X-Amz-Decoded-Content-Length", "x-amz-trailer", "User-Agent", "X-Amz-Copy-Source", "x-amz-copy-source",
            "X-AMZ-COPY-SOURCE", "x-amz-copy-sourcE-range", "Content-Encoding", "content-encodinG", "Content-Encodings",
            "x-amz-meta-team", "Range", "If-None-Match", "X-Amz-Copy-Sourc\u{E9}", "Content-\u{C9}ncoding",
        ]

    @Test(arguments: Self.requestNames)
    func requestFieldsAsTheSetsSay(name: String) {
        let lowered = name.lowercased()
        let expected: UpstreamHeaders.RequestField =
            if UpstreamHeaders.hopByHop.contains(lowered) || UpstreamHeaders.notForwarded.contains(lowered)
                || lowered.hasPrefix("proxy-")
            {
                .dropped
            } else if lowered == "x-amz-copy-source" {
                .copySource
            } else if lowered == "content-encoding" {
                .contentEncoding
            } else {
                .kept
            }
        #expect(UpstreamHeaders.requestField(name) == expected, "\(name)")
    }
}

/// The byte comparisons switch on a name's length over names written out again: every name of the sets must be
/// among them, in any case.
struct UpstreamHeadersSetCoverageTests {
    @Test func everyNameTheSetsKeepBackIsKeptBack() {
        for name in UpstreamHeaders.hopByHop.union(UpstreamHeaders.notReturned) {
            #expect(!UpstreamHeaders.returns(name), "\(name)")
            #expect(!UpstreamHeaders.returns(name.uppercased()), "\(name)")
            #expect(name.withUTF8Bytes { !UpstreamHeaders.returns(UnsafeRawBufferPointer($0)) }, "\(name)")
        }
    }

    @Test func everyNameTheSetsDoNotForwardIsDropped() {
        for name in UpstreamHeaders.hopByHop.union(UpstreamHeaders.notForwarded) {
            #expect(UpstreamHeaders.requestField(name) == .dropped, "\(name)")
            #expect(UpstreamHeaders.requestField(name.uppercased()) == .dropped, "\(name)")
        }
    }
}
