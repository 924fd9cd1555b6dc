using System.Security.Cryptography.X509Certificates;

namespace MediaCenter.Hosting;

/// <summary>Certificates with their private keys from files, as the TLS listeners and the cluster's TLS need them.</summary>
public static class CertificateFiles
{
    /// <summary>
    /// A PKCS#12 (.pfx) file, or a PEM certificate with its PEM key. A PEM pair is re-exported: SslStream on Linux wants a key
    /// it can use from a PKCS#12 container.
    /// </summary>
    public static X509Certificate2 Load(string certificatePath, string? keyPath, string? password)
    {
        if (!string.IsNullOrWhiteSpace(keyPath))
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password);
    }
}
