import SwiftASN1
import X509

/// Reading and writing the PEM documents the lab stores, with swift-certificates' errors turned into `LabPKIError`
/// so that no type from X509 or SwiftASN1 escapes this target.
enum PEMCoding {
    /// The first `CERTIFICATE` block of `pem`.
    static func certificate(_ pem: String) throws(LabPKIError) -> Certificate {
        do {
            return try Certificate(pemEncoded: pem)
        } catch {
            throw .corruptFile.because("does not hold a PEM certificate (\(error))")
        }
    }

    /// A PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) private key.
    static func privateKey(_ pem: String) throws(LabPKIError) -> Certificate.PrivateKey {
        do {
            return try Certificate.PrivateKey(pemEncoded: pem)
        } catch {
            throw .corruptFile.because("does not hold a PEM private key (\(error))")
        }
    }

    static func pem(_ certificate: Certificate) throws(LabPKIError) -> String {
        do {
            return try certificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw .issuanceFailed.because("cannot encode the certificate as PEM (\(error))")
        }
    }

    /// PKCS#8 for the keys the lab mints (swift-crypto's `pemRepresentation`), which NIOSSL and openssl read.
    static func pem(_ key: Certificate.PrivateKey) throws(LabPKIError) -> String {
        do {
            return try key.serializeAsPEM().pemString + "\n"
        } catch {
            throw .issuanceFailed.because("cannot encode the private key as PEM (\(error))")
        }
    }

    static func der(_ certificate: Certificate) throws(LabPKIError) -> [UInt8] {
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        } catch {
            throw .issuanceFailed.because("cannot encode the certificate as DER (\(error))")
        }
    }
}
