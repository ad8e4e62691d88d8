import AccessPointCore
import Foundation
import PrivateDNS
import Router
import ServiceLifecycle

/// The "try it" block `aprouter serve` prints once its listeners are bound: commands a newcomer pastes into
/// another shell to create an access point, store and read an object through it, and resolve its name. Every
/// line works as printed (a test runs them), also on a second run over the same state.
struct TryItBlock {
    let lab: LabConfiguration
    let authorityCertificatePath: String
    let httpsPort: Int
    let dnsPort: Int
    /// The forward proxy's port, when the lab has one: the block then also reads the object by the real AWS
    /// hostname through it.
    var proxyPort: Int?

    /// The block, or nil when the lab has nothing to try with (no user, no bucket, no lab endpoint suffix).
    var text: String? {
        guard let account = lab.accounts.first, let user = account.users.first,
            let bucket = lab.buckets.first(where: { $0.account == account.id }),
            let suffix = lab.endpointSuffixes.first(where: { !$0.hasSuffix("amazonaws.com") })
        else { return nil }
        let endpoint = "--endpoint-url https://s3.\(suffix):\(httpsPort)"
        let arn = "arn:\(lab.region.partition):s3:\(lab.region):\(account.id):accesspoint/try-ap"
        let dnsHost = lab.listeners.dns.host.description
        var proxied = ""
        if let address = lab.listeners.proxy, let proxyPort {
            proxied = """
                  # the same object by its real AWS hostname, through the forward proxy (no --endpoint-url):
                  HTTPS_PROXY=http://\(address.host):\(proxyPort) aws s3api get-object --bucket \(arn) --key hello.txt hello-real.txt >/dev/null && cat hello-real.txt

                """
        }
        return """
            Try it in another shell (the lab's first user; names under .\(suffix) resolve to loopback):

              export AWS_CA_BUNDLE=\(Self.quoted(authorityCertificatePath)) AWS_DEFAULT_REGION=\(lab.region) \\
                AWS_ACCESS_KEY_ID=\(Self.quoted(user.accessKeyId)) AWS_SECRET_ACCESS_KEY=\(Self.quoted(user.secretAccessKey))
              aws s3control get-access-point \(endpoint) --account-id \(account.id) --name try-ap >/dev/null 2>&1 \\
                || aws s3control create-access-point \(endpoint) --account-id \(account.id) --name try-ap --bucket \(bucket.name)
              echo "hello through an access point" > hello.txt
              aws s3api put-object \(endpoint) --bucket \(arn) --key hello.txt --body hello.txt
              aws s3api get-object \(endpoint) --bucket \(arn) --key hello.txt hello-back.txt && cat hello-back.txt
            \(proxied)  dig @\(dnsHost) -p \(dnsPort) +short try-ap-\(account.id).s3-accesspoint.\(lab.region).amazonaws.com

            """
    }

    /// Single-quoted for the shell when the text needs it.
    static func quoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:@,".contains($0) }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// Prints the try-it block once the router and the DNS server have bound their ports, then ends (without ending
/// the group: the service group is told to ignore its return).
struct TryItService: Service {
    let lab: LabConfiguration
    let authorityCertificatePath: String
    let router: RouterServer
    let dns: DNSServer

    func run() async throws {
        for _ in 0..<600 {
            if let https = router.boundPorts?.https, let dnsPort = dns.boundPort {
                let block = TryItBlock(
                    lab: lab,
                    authorityCertificatePath: authorityCertificatePath,
                    httpsPort: https,
                    dnsPort: dnsPort,
                    proxyPort: router.boundPorts?.proxy
                )
                if let text = block.text {
                    var stderr = StandardError()
                    print(text, to: &stderr)
                }
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
