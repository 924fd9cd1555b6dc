using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MediaCenter.Testing;

/// <summary>
/// A throw-away certificate authority with a server certificate for 127.0.0.1 and, on request, client certificates, written
/// as PEM files the way docs/OPERATIONS.md's openssl commands write them (ca.crt, server.crt, server.key, NAME.crt, NAME.key).
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey;

    /// <summary>The folder holding the files.</summary>
    public string Dir { get; }

    /// <summary>The authority's certificate (no private key).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>ca.crt.</summary>
    public string CaPath => Path.Combine(Dir, "ca.crt");

    /// <summary>server.crt.</summary>
    public string ServerCertificatePath => Path.Combine(Dir, "server.crt");

    /// <summary>server.key (PKCS#8).</summary>
    public string ServerKeyPath => Path.Combine(Dir, "server.key");

    private TestCertificates(string dir, ECDsa caKey, X509Certificate2 authority)
    {
        Dir = dir;
        _caKey = caKey;
        Authority = authority;
    }

    /// <summary>Creates the authority and the server certificate (for 127.0.0.1 and localhost) in <paramref name="dir"/>.</summary>
    public static TestCertificates Create(string dir, string authorityName = "MediaCenter test CA")
    {
        Directory.CreateDirectory(dir);
        var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={authorityName}", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        var authority = X509CertificateLoader.LoadCertificate(withKey.RawData);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), authority.ExportCertificatePem());
        var certificates = new TestCertificates(dir, caKey, authority);
        certificates.Issue("server", server: true);
        return certificates;
    }

    /// <summary>
    /// A self-issued certificate NAME.crt / NAME.key outside the authority, as docs/OPERATIONS.md makes the cluster's (pinned, not
    /// chained; RSA, no key usage limits, so it serves both ends of mutual TLS).
    /// </summary>
    public static (string CertificatePath, string KeyPath) WriteSelfSigned(string dir, string name)
    {
        Directory.CreateDirectory(dir);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(dir, name + ".crt");
        var keyPath = Path.Combine(dir, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>Issues a client certificate NAME.crt / NAME.key, signed by the authority.</summary>
    public (string CertificatePath, string KeyPath) IssueClient(string name) => Issue(name, server: false);

    private (string CertificatePath, string KeyPath) Issue(string name, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(server ? "mqtt.mediacenter.test" : name)}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("mqtt.mediacenter.test");
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var certificate = request.Create(Authority.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey),
            DateTimeOffset.UtcNow.AddMinutes(-4), DateTimeOffset.UtcNow.AddDays(1), serial);
        var certificatePath = Path.Combine(Dir, name + ".crt");
        var keyPath = Path.Combine(Dir, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Authority.Dispose();
        _caKey.Dispose();
    }
}
