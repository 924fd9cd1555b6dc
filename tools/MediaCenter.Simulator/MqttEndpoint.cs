using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace MediaCenter.Simulator;

/// <summary>
/// Where and how terminals reach the MQTT broker: plain TCP, or TLS checked against the system's roots or against one CA file
/// (the deployment's own authority), optionally presenting a client certificate (Mosquitto's <c>require_certificate</c>).
/// </summary>
public sealed record MqttEndpoint(string Host, int Port)
{
    /// <summary>Whether to speak TLS (implied by <see cref="CaFile"/> or a client certificate).</summary>
    public bool Tls { get; init; }

    /// <summary>A PEM file with the CA the broker's certificate must chain to (instead of the system's roots).</summary>
    public string? CaFile { get; init; }

    /// <summary>A PEM client certificate, with <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>The client certificate's PEM private key.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>Whether the connection is encrypted.</summary>
    public bool UsesTls => Tls || CaFile is not null || ClientCertificateFile is not null;

    /// <summary>Puts the server and the TLS options on <paramref name="builder"/>.</summary>
    public MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder)
    {
        builder.WithTcpServer(Host, Port);
        if (!UsesTls)
        {
            return builder;
        }

        if ((ClientCertificateFile is null) != (ClientKeyFile is null))
        {
            throw new ArgumentException("A client certificate needs both its certificate file and its key file.");
        }

        var authority = CaFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(CaFile);
        var client = ClientCertificateFile is null ? null : ClientCertificate(ClientCertificateFile, ClientKeyFile!);
        return builder.WithTlsOptions(tls =>
        {
            tls.UseTls().WithTargetHost(Host).WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
            if (authority is not null)
            {
                tls.WithCertificateValidationHandler(c => ChainsTo(authority, c.Certificate, c.SslPolicyErrors));
            }

            if (client is not null)
            {
                tls.WithClientCertificates([client]);
            }
        });
    }

    /// <summary>
    /// True when <paramref name="presented"/> was issued by <paramref name="authority"/> (and by nothing else the system trusts)
    /// for the host connected to: the system's verdict on the chain is ignored, its verdict on the name is not.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 authority, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(certificate);
    }

    // SslStream on Linux needs the key in an exportable PKCS#12 form to present it as a client certificate.
    private static X509Certificate2 ClientCertificate(string certificateFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
