import AccessPointCore
import Crypto
public import Foundation
import SwiftASN1
import X509

/// The lab's own certificate authority: a P-256 key and a self-signed CA certificate that users hand to clients as
/// `AWS_CA_BUNDLE`, and that signs the router's server certificates.
///
/// Everything happens in memory, with the time and the serial numbers' randomness passed in, so tests mint a fresh
/// PKI for each run and nothing in git can expire. `LabCertificateStore` is the only part that touches files.
///
/// The CA is constrained to what it is for: `pathlen:0` (it signs end-entity certificates only) and key usage
/// `keyCertSign, cRLSign`. Server certificates carry `serverAuth`, `digitalSignature`, the SANs of a
/// `LabCertificateNames`, and a lifetime of `LabCertificateProfile.serverLifetime`.
public struct LabCertificateAuthority: Sendable {
    let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    /// The CA certificate as PEM: the file to give to `AWS_CA_BUNDLE`, `curl --cacert` or `openssl -CAfile`.
    public let certificatePEM: String
    /// The CA's private key as PKCS#8 PEM.
    public let privateKeyPEM: String

    /// Mints a new CA valid from `now` minus `LabCertificateProfile.backdating` for ten years.
    public init(now: Date, using generator: inout some RandomNumberGenerator) throws(LabPKIError) {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try Self.name(commonName: LabCertificateProfile.authorityCommonName)
        let certificate = try Self.sign {
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            }
            return try Certificate(
                version: .v3,
                serialNumber: .random(using: &generator),
                publicKey: key.publicKey,
                notValidBefore: now - LabCertificateProfile.backdating,
                notValidAfter: now + LabCertificateProfile.authorityLifetime,
                issuer: subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: key
            )
        }
        try self.init(certificate: certificate, privateKey: key)
    }

    /// Mints a new CA with the system's secure random number generator.
    public init(now: Date) throws(LabPKIError) {
        var generator = SystemRandomNumberGenerator()
        try self.init(now: now, using: &generator)
    }

    /// An existing CA, read back from its PEM files. Checks that the key belongs to the certificate and that the
    /// certificate may sign others (a CA basic constraint), since a wrong file here would mint server certificates no
    /// client accepts.
    public init(certificatePEM: String, privateKeyPEM: String) throws(LabPKIError) {
        let certificate = try PEMCoding.certificate(certificatePEM)
        let privateKey = try PEMCoding.privateKey(privateKeyPEM)
        guard privateKey.publicKey == certificate.publicKey else {
            throw .keyMismatch.because("the private key does not belong to the CA certificate")
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw .corruptFile.because("the certificate is not a CA certificate (no basicConstraints CA:TRUE)")
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    private init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws(LabPKIError) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = try PEMCoding.pem(certificate)
        self.privateKeyPEM = try PEMCoding.pem(privateKey)
    }

    public var notValidBefore: Date { certificate.notValidBefore }
    public var notValidAfter: Date { certificate.notValidAfter }

    /// The CA certificate in DER.
    public var certificateDER: [UInt8] {
        get throws(LabPKIError) { try PEMCoding.der(certificate) }
    }

    /// Issues a server certificate for `names` with a fresh P-256 key, valid from `now` minus
    /// `LabCertificateProfile.backdating` for `LabCertificateProfile.serverLifetime`, never beyond the CA itself.
    public func issueServerCertificate(
        for names: LabCertificateNames,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) throws(LabPKIError) -> LabServerCredential {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try Self.name(commonName: LabCertificateProfile.serverCommonName)
        let notValidBefore = now - LabCertificateProfile.backdating
        let notValidAfter = min(notValidBefore + LabCertificateProfile.serverLifetime, certificate.notValidAfter)
        let authorityKeyID = try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let sans = SubjectAlternativeNames(
            names.dnsNames.map(GeneralName.dnsName)
                + names.ipAddresses.map { .ipAddress(ASN1OctetString(contentBytes: $0.octets[...])) }
        )
        let issued = try Self.sign {
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectKeyIdentifier(hash: key.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                sans
            }
            return try Certificate(
                version: .v3,
                serialNumber: .random(using: &generator),
                publicKey: key.publicKey,
                notValidBefore: notValidBefore,
                notValidAfter: notValidAfter,
                issuer: certificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: privateKey
            )
        }
        return try LabServerCredential(certificate: issued, privateKey: key)
    }

    /// Issues a server certificate with the system's secure random number generator.
    public func issueServerCertificate(
        for names: LabCertificateNames,
        now: Date
    ) throws(LabPKIError)
        -> LabServerCredential
    {
        var generator = SystemRandomNumberGenerator()
        return try issueServerCertificate(for: names, now: now, using: &generator)
    }

    /// Whether `credential` can keep serving at `now` for `names`, and if not, why; the store's reuse decision.
    ///
    /// It must be signed by this CA, already valid, valid for at least `LabCertificateProfile.renewalMargin` more,
    /// and carry every name in `names` (more is fine: a lab that dropped a region keeps working).
    public func evaluate(
        _ credential: LabServerCredential,
        for names: LabCertificateNames,
        at now: Date
    ) -> LabServerCertificateCheck {
        let leaf = credential.certificate
        guard leaf.issuer == certificate.subject, certificate.publicKey.isValidSignature(leaf.signature, for: leaf)
        else { return .reissue(because: "it was not signed by the lab CA") }
        guard leaf.notValidBefore <= now else {
            return .reissue(because: "it is not valid before \(leaf.notValidBefore)")
        }
        guard leaf.notValidAfter > now + LabCertificateProfile.renewalMargin else {
            return .reissue(because: "it expires at \(leaf.notValidAfter), within the renewal margin")
        }
        let missing = names.missing(from: credential.names)
        guard missing.isEmpty else {
            let shown = missing.prefix(3).joined(separator: ", ") + (missing.count > 3 ? ", …" : "")
            return .reissue(because: "it does not cover \(missing.count) needed name(s): \(shown)")
        }
        return .usable
    }

    static func name(commonName: String) throws(LabPKIError) -> DistinguishedName {
        do {
            return try DistinguishedName {
                OrganizationName(LabCertificateProfile.organizationName)
                CommonName(commonName)
            }
        } catch {
            throw .issuanceFailed.because("cannot build the name '\(commonName)' (\(error))")
        }
    }

    /// Runs a swift-certificates building step; its errors mean the profile is wrong, not the input.
    private static func sign(_ body: () throws -> Certificate) throws(LabPKIError) -> Certificate {
        do {
            return try body()
        } catch {
            throw .issuanceFailed.because("swift-certificates refused the certificate (\(error))")
        }
    }
}

/// Whether a stored server certificate can be served again, and if not, why (logged at startup).
public enum LabServerCertificateCheck: Hashable, Sendable {
    case usable
    case reissue(because: String)
}
