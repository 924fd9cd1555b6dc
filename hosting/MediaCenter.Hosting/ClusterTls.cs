using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace MediaCenter.Hosting;

/// <summary>
/// Mutual TLS between silos and between clients (web, gateway) and silos. Bound from <c>Cluster:Tls</c>; off unless a
/// certificate is named. Every process presents the cluster's certificate and accepts a peer only when the peer presents a
/// certificate it trusts (its own, or one listed for a rotation): a process without it can neither join nor call a grain.
/// </summary>
public sealed class ClusterTlsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Cluster:Tls";

    /// <summary>A PKCS#12 (.pfx) file or a PEM certificate with <see cref="KeyPath"/>; empty: the cluster speaks plain TCP.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 file's password, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Further certificates (SHA-1 thumbprints, hex) accepted from peers, for a rotation: the next certificate first.</summary>
    public List<string> TrustedThumbprints { get; set; } = [];

    /// <summary>Whether TLS is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>The settings as the configuration holds them (the composition needs them before the container exists).</summary>
    public static ClusterTlsSettings From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ClusterTlsSettings>() ?? new ClusterTlsSettings();

    /// <summary>Sets Orleans' TLS options: this process's certificate, TLS 1.2/1.3, a certificate required both ways, peers pinned.</summary>
    public void Apply(TlsOptions options)
    {
        if (!File.Exists(CertificatePath))
        {
            throw new InvalidOperationException($"{Section}:CertificatePath names no file ({CertificatePath}).");
        }

        var certificate = CertificateFiles.Load(CertificatePath, KeyPath, CertificatePassword);
        var trusted = TrustedThumbprints.Select(t => t.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant())
            .Append(certificate.Thumbprint.ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        options.LocalCertificate = certificate;
        options.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Pinned, not chained: the cluster's certificate is usually self-issued, and only the processes holding it may talk.
        options.RemoteCertificateValidation = (remote, _, errors) =>
            remote is not null && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && trusted.Contains(remote.Thumbprint.ToUpperInvariant());
        options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false) ?? "mediacenter";
    }
}
