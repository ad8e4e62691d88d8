import AccessPointCore
import Foundation
import S3Auth

/// The credentials and times of the S3 API reference examples (spec §7), shared by the suites.
enum Example {
    static let accessKeyID = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let time = AmzDate(iso8601Basic: "20130524T000000Z") ?? AmzDate(secondsSince1970: 0)
    static let scope = CredentialScope(date: "20130524", region: "us-east-1")
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let account: AccountID = {
        guard let account = try? AccountID(validating: "111122223333") else {
            preconditionFailure("the example account id is valid")
        }
        return account
    }()

    static let identity = SigV4Identity(
        accountID: account,
        userARN: "arn:aws:iam::111122223333:user/alice",
        userName: "alice"
    )

    static let credentials = StaticCredentialLookup([
        SigV4Credential(accessKeyID: accessKeyID, secretAccessKey: secret, identity: identity)
    ])
}

/// Reads the test resources in `Fixtures/`.
enum Fixtures {
    static var root: URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            preconditionFailure("Fixtures are a resource of S3AuthTests")
        }
        return url
    }

    static func text(_ path: String) -> String? {
        try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func data(_ path: String) -> Data? {
        try? Data(contentsOf: root.appendingPathComponent(path))
    }

    /// The names of the folders in `Fixtures/folder`, sorted.
    static func folders(in folder: String) -> [String] {
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: url.appendingPathComponent(name).path,
                isDirectory: &isDirectory
            )
                && isDirectory.boolValue
        }.sorted()
    }
}

extension SigV4Request {
    /// A request from `METHOD target HTTP/1.1` and `Name: value` lines.
    static func parse(_ text: String) -> SigV4Request? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append(
                (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            )
        }
        return SigV4Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers)
    }

    /// This request with one more header.
    func adding(_ name: String, _ value: String) -> SigV4Request {
        var copy = self
        copy.headers.append(HTTPField(name: name, value: value))
        return copy
    }

    /// This request without the headers called `name`.
    func removing(_ name: String) -> SigV4Request {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        return copy
    }
}
