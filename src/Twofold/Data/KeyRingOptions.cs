using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Twofold.Data;

/// <summary>
/// How the Data Protection key ring (stored in the database) is protected at rest. Without a
/// certificate the keys are stored readable by anyone who can read the database; with one, each key
/// is encrypted to the certificate and every node needs the same certificate (with private key).
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with an RSA certificate and its private key; empty = keys unencrypted.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Loads the configured certificate, or null; a bad file stops start-up naming the setting.</summary>
    public X509Certificate2? LoadCertificate()
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            return null;
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
            if (!certificate.HasPrivateKey || certificate.GetRSAPublicKey() is null)
            {
                throw new InvalidOperationException("it holds no RSA certificate with a private key");
            }

            return certificate;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException)
        {
            // The message names the setting, never the password.
            throw new InvalidOperationException(
                $"DataProtection:CertificatePath '{CertificatePath}' cannot be used to protect the key ring: {ex.Message}", ex);
        }
    }
}
