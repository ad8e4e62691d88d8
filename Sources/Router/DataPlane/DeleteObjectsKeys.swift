import AccessPointCore
import NIOCore

/// The keys a DeleteObjects body names, so that each can be authorized (spec §4.1: DeleteObjects is
/// `s3:DeleteObject` per key). The store parses the body again and answers for it; this only reads `<Key>`
/// elements, bounded in size and count.
enum DeleteObjectsKeys {
    static let maximumBodySize = 2 << 20
    static let maximumKeys = 1000

    static func keys(in body: ByteBuffer) throws(S3Error) -> [String] {
        let text = String(buffer: body)
        var keys: [String] = []
        var rest = text[...]
        while let open = rest.firstRange(of: "<Key>") {
            guard let close = rest[open.upperBound...].firstRange(of: "</Key>") else {
                throw S3Error.malformedXML.because("A <Key> element in the DeleteObjects body is not closed.")
            }
            keys.append(unescaped(rest[open.upperBound..<close.lowerBound]))
            guard keys.count <= maximumKeys else {
                throw S3Error.malformedXML.because("DeleteObjects names at most \(maximumKeys) keys.")
            }
            rest = rest[close.upperBound...]
        }
        guard !keys.isEmpty else {
            throw S3Error.malformedXML.because("The DeleteObjects body names no <Key>.")
        }
        return keys
    }

    /// XML's five predefined entities and numeric character references.
    static func unescaped(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number: UInt32? =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return result + rest
    }
}
