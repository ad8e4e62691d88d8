import NIOCore
import S3HTTP
import Testing

/// The head writer writes what it is given, in order, and refuses (traps) rather than write past the room it was
/// given; here, the room exactly used and a throw part-way.
struct HTTP1HeadWriterTests {
    @Test func writesPiecesInOrderInOneWrite() {
        var buffer = ByteBuffer(string: "before|")
        let size = "GET / HTTP/1.1\r\n".utf8.count + HTTP1HeadWriter.size(name: "Host", value: "h\u{e9}") + 2
        buffer.writeHTTP1Head(capacity: size) { head in
            head.write("GET")
            head.write(byte: UInt8(ascii: " "))
            head.write(String("/"))
            head.write(" HTTP/1.1\r\n")
            head.writeField(name: "Host", value: "h\u{e9}")
            head.write("\r\n")
            #expect(head.count == size)
        }
        #expect(String(buffer: buffer) == "before|GET / HTTP/1.1\r\nHost: h\u{e9}\r\n\r\n")
    }

    struct Stop: Error, Equatable {}

    @Test func aThrowPartWayIsRethrownWithItsType() {
        var buffer = ByteBuffer()
        #expect(throws: Stop()) {
            try buffer.writeHTTP1Head(capacity: 16) { (head) throws(Stop) in
                head.write("HTTP/1.1 ")
                throw Stop()
            }
        }
    }
}
