public import Foundation

/// The fixed shape of the lab's certificates: names, lifetimes, how early they start and when to renew.
///
/// Kept as constants rather than settings: clients (Apple platforms, Chromium) refuse server certificates valid for
/// more than 398 days, and skew between the host that minted the files and a client's clock is the usual reason a
/// fresh lab certificate is "not yet valid".
public enum LabCertificateProfile {
    /// The CA's subject common name, shown by `openssl x509 -subject` and in trust-store listings.
    public static let authorityCommonName = "AccessPointRouter Lab CA"
    /// The organisation on both the CA and the server certificate.
    public static let organizationName = "AccessPointRouter"
    /// The server certificate's subject common name; clients match SANs only (RFC 6125 §6.4.4), never this.
    public static let serverCommonName = "AccessPointRouter Lab Server"

    /// Certificates start this long before the moment they are minted, to tolerate clocks that lag behind.
    public static let backdating: TimeInterval = 60 * 60
    /// Ten years: users point `AWS_CA_BUNDLE` at the CA once and should not have to again.
    public static let authorityLifetime: TimeInterval = 3650 * 24 * 60 * 60
    /// 397 days from `notValidBefore` to `notValidAfter`, under the 398-day ceiling clients enforce.
    public static let serverLifetime: TimeInterval = 397 * 24 * 60 * 60
    /// A server certificate with less than this left is replaced at the next start rather than left to expire
    /// while the router runs.
    public static let renewalMargin: TimeInterval = 30 * 24 * 60 * 60
}
