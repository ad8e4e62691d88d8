import AccessPointCore
import Testing

struct ConnectRequestTests {
    static let endpoint = "ap1-123456789012.s3-accesspoint.us-west-2.amazonaws.com"

    @Test(arguments: [
        ("aws CLI", "CONNECT \(endpoint):443 HTTP/1.1\r\nHost: \(endpoint):443\r\n\r\n", endpoint, 443),
        ("no headers", "CONNECT s3.lab.localhost:443 HTTP/1.0\r\n\r\n", "s3.lab.localhost", 443),
        ("upper case", "CONNECT S3.US-WEST-2.AmazonAWS.com:443 HTTP/1.1\r\n\r\n", "s3.us-west-2.amazonaws.com", 443),
        ("IPv6 literal", "CONNECT [::1]:8443 HTTP/1.1\r\n\r\n", "::1", 8443),
        (
            "ClientHello after the head", "CONNECT a.amazonaws.com:443 HTTP/1.1\r\n\r\n\u{16}\u{03}", "a.amazonaws.com",
            443
        ),
    ])
    func parsesAConnectHead(name: String, text: String, host: String, port: Int) {
        let bytes = Array(text.utf8)
        let length = text.utf8.count - (text.hasSuffix("\u{16}\u{03}") ? 2 : 0)
        #expect(ConnectRequest.parse(bytes) == .connect(host: host, port: port, length: length), "\(name)")
    }

    @Test(arguments: [
        "", "CONNECT", "CONNECT a.amazonaws.com:443 HTTP/1.1\r\n", "CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r",
    ])
    func waitsForTheEndOfTheHead(text: String) {
        #expect(ConnectRequest.parse(Array(text.utf8)) == .needMoreData)
    }

    @Test(arguments: [
        ("GET http://s3.amazonaws.com/ HTTP/1.1\r\n\r\n", 405),
        ("connect a.amazonaws.com:443 HTTP/1.1\r\n\r\n", 405),
        ("CONNECT a.amazonaws.com HTTP/1.1\r\n\r\n", 400),
        ("CONNECT a.amazonaws.com:0 HTTP/1.1\r\n\r\n", 400),
        ("CONNECT a.amazonaws.com:99999 HTTP/1.1\r\n\r\n", 400),
        ("CONNECT a/b:443 HTTP/1.1\r\n\r\n", 400),
        ("CONNECT [::1:443 HTTP/1.1\r\n\r\n", 400),
        ("CONNECT :443 HTTP/1.1\r\n\r\n", 400),
        ("CONNECT a.amazonaws.com:443 HTTP/2\r\n\r\n", 400),
        ("CONNECT  a.amazonaws.com:443 HTTP/1.1\r\n\r\n", 400),
        ("\u{16}\u{03}\u{01}\r\n\r\n", 400),
        ("CONNECT a:443 HTTP/1.1\r\nX: " + String(repeating: "y", count: 9000) + "\r\n\r\n", 431),
        ("CONNECT a:443 HTTP/1.1\r\nX: " + String(repeating: "y", count: 9000), 431),
    ])
    func refusesWhatIsNotACompleteConnect(text: String, status: Int) {
        guard case .refused(let refusedStatus, let reason) = ConnectRequest.parse(Array(text.utf8)) else {
            Issue.record("parsed \(text.prefix(60).debugDescription)")
            return
        }
        #expect(refusedStatus == status, "\(reason)")
        #expect(!reason.isEmpty)
    }

    static let suffixes = ["amazonaws.com", "lab.localhost"]

    @Test(
        arguments: [
            (endpoint, 443, nil),
            ("123456789012.s3-control.us-west-2.amazonaws.com", 443, nil),
            ("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", 443, nil),
            ("S3.LAB.LOCALHOST", 443, nil),
            (endpoint, 80, "only port 443 is tunnelled, not 80"),
            (
                "amazonaws.com", 443,
                "amazonaws.com is not under an endpoint suffix of this lab (amazonaws.com, lab.localhost)"
            ),
            (
                "evilamazonaws.com", 443,
                "evilamazonaws.com is not under an endpoint suffix of this lab (amazonaws.com, lab.localhost)"
            ),
            (
                "example.com", 443,
                "example.com is not under an endpoint suffix of this lab (amazonaws.com, lab.localhost)"
            ),
            ("127.0.0.1", 443, "127.0.0.1 is not under an endpoint suffix of this lab (amazonaws.com, lab.localhost)"),
        ] as [(String, Int, String?)]
    )
    func tunnelsOnlyEndpointHostsOnPort443(host: String, port: Int, refusal: String?) {
        #expect(ConnectRequest.refusal(host: host, port: port, suffixes: Self.suffixes) == refusal)
    }
}
