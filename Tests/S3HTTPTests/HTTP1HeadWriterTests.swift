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

    /// A field's four parts land whole at any offset, empty values and long (heap) strings included.
    @Test(arguments: [("Host", "h"), ("x-amz-meta-a-long-name-beyond-sixteen", ""), ("ETag", "\"0123456789abcdef\"")])
    func fieldsAtOddOffsets(name: String, value: String) {
        for offset in 0..<3 {
            var buffer = ByteBuffer(string: String(repeating: "-", count: offset))
            let size = HTTP1HeadWriter.size(name: name, value: value)
            buffer.writeHTTP1Head(capacity: size) { head in head.writeField(name: name, value: value) }
            #expect(String(buffer: buffer) == String(repeating: "-", count: offset) + "\(name): \(value)\r\n")
        }
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
