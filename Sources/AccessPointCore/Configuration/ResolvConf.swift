/// The `nameserver` lines of a resolv.conf (resolv.conf(5)), for `dns.forwarders: host`.
///
/// Pure: the I/O layer reads the file and hands its text here. Comments start with `#` or `;`; a scoped IPv6
/// address (`fe80::1%eth0`) cannot be reached from another network namespace and is skipped, as is anything
/// that is not an IP literal.
public enum ResolvConf {
    public static func nameservers(in text: String) -> [ListenAddress] {
        var result: [ListenAddress] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver", let host = IPAddress(fields[1]) else { continue }
            let address = ListenAddress(host: host, port: LabConfiguration.DNS.Forwarders.defaultPort)
            if !result.contains(address) { result.append(address) }
        }
        return result
    }
}
