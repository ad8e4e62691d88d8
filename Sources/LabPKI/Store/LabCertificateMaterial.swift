/// What the HTTPS listener needs from `LabCertificateStore.prepare`: the server certificate and key (as PEM, which
/// NIOSSL reads), the CA certificate, where each lives, and what the store did, for the startup log line that tells
/// users which file to give to `AWS_CA_BUNDLE`.
///
/// The CA's private key is deliberately absent: the data path never signs anything.
public struct LabCertificateMaterial: Sendable {
    /// What `prepare` did, and why.
    public enum Outcome: Hashable, Sendable {
        /// The stored CA and server certificate were still good.
        case reused
        /// The stored CA was kept; the server certificate was (re)issued for the reason given.
        case reissuedServer(because: String)
        /// A new CA and server certificate were minted: clients must be pointed at the new `ca.pem`.
        case createdAuthority(because: String)
    }

    /// The CA certificate as PEM, the same text as the file at `authorityCertificatePath`.
    public let authorityCertificatePEM: String
    public let server: LabServerCredential
    /// The path to log for `AWS_CA_BUNDLE`.
    public let authorityCertificatePath: String
    public let serverCertificatePath: String
    public let serverKeyPath: String
    public let outcome: Outcome
}
