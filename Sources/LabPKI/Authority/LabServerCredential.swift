import AccessPointCore
public import Foundation
import SwiftASN1
import X509

/// A server certificate and its private key, as the TLS layer needs them: PEM text (NIOSSL's
/// `NIOSSLCertificate(bytes:format: .pem)` and `NIOSSLPrivateKey(bytes:format: .pem)`) or DER bytes.
///
/// The swift-certificates values stay inside the target; callers see text, bytes, dates and names. Building one from
/// PEM checks that the key belongs to the certificate, so a half-replaced pair on disk is caught at startup rather
/// than in every handshake.
public struct LabServerCredential: Sendable {
    let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    /// The certificate as one PEM `CERTIFICATE` block.
    public let certificatePEM: String
    /// The private key as PEM: PKCS#8 for keys the lab minted, as read for keys loaded from disk.
    public let privateKeyPEM: String
    /// The certificate's subject alternative names, DNS and IP.
    public let names: LabCertificateNames

    /// Parses a certificate and its key, and checks that they belong together.
    public init(certificatePEM: String, privateKeyPEM: String) throws(LabPKIError) {
        let certificate = try PEMCoding.certificate(certificatePEM)
        let privateKey = try PEMCoding.privateKey(privateKeyPEM)
        guard privateKey.publicKey == certificate.publicKey else {
            throw .keyMismatch.because("the private key does not belong to the server certificate")
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.names = try Self.names(of: certificate)
    }

    /// A credential the authority has just minted.
    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws(LabPKIError) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = try PEMCoding.pem(certificate)
        self.privateKeyPEM = try PEMCoding.pem(privateKey)
        self.names = try Self.names(of: certificate)
    }

    /// The certificate in DER, for TLS stacks that take bytes.
    public var certificateDER: [UInt8] {
        get throws(LabPKIError) { try PEMCoding.der(certificate) }
    }

    public var notValidBefore: Date { certificate.notValidBefore }
    public var notValidAfter: Date { certificate.notValidAfter }
    /// The serial number in lower-case hex, as `openssl x509 -serial` prints it (upper-case there).
    public var serialNumber: String { certificate.serialNumber.bytes.map { hex($0) }.joined() }

    static func names(of certificate: Certificate) throws(LabPKIError) -> LabCertificateNames {
        let sans: SubjectAlternativeNames?
        do {
            sans = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw .corruptFile.because("the certificate's subjectAltName extension cannot be decoded (\(error))")
        }
        var dnsNames: [String] = []
        var ipAddresses: [IPAddress] = []
        for name in sans ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName(let text): dnsNames.append(text)
            case .ipAddress(let octets): ipAddresses += IPAddress(octets: octets.bytes).map { [$0] } ?? []
            default: continue
            }
        }
        return LabCertificateNames(dnsNames: dnsNames, ipAddresses: ipAddresses)
    }
}

/// Two lower-case hex digits.
func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
