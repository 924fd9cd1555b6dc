using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MediaCenter.Grains.Platform;
using MediaCenter.Hosting;
using Orleans.Runtime;

namespace MediaCenter.IntegrationTests.Cluster;

/// <summary>Mutual TLS inside the cluster (security finding 13): only processes holding the cluster's certificate join or call.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ClusterTlsTests(IntegrationFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mc-cluster-tls-").FullName;

    [Fact]
    public async Task With_cluster_tls_silos_and_clients_holding_the_certificate_work_together_and_others_are_refused()
    {
        var cluster = WriteCertificate("cluster");
        var stranger = WriteCertificate("stranger");
        await using var deployment = await fixture.NewDeploymentAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var silo = await deployment.StartSiloAsync("alpha", Tls(cluster));
        await deployment.StartSiloAsync("beta", Tls(cluster));
        // The web's readiness includes its cluster connection: over TLS, with the cluster's certificate.
        await deployment.StartWebAsync("web", Tls(cluster));

        Console.WriteLine($"two silos and a web over TLS ready after {started.ElapsedMilliseconds} ms");
        var client = await deployment.ConnectClientAsync(c => c.UseTls(Settings(cluster).Apply));
        var hosts = await Eventually.WaitAsync(() => client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true),
            h => h.Length == 2, TimeSpan.FromSeconds(30), "two active silos over TLS");
        Assert.Equal(["alpha", "beta"], hosts.Select(h => h.SiloName).Order());
        var served = new HashSet<string>();
        for (var i = 0; i < 40 && served.Count < 2; i++)
        {
            served.Add((await client.GetGrain<IProbeGrain>(i).PingAsync()).Silo);
        }

        Assert.Equal(2, served.Count);

        // At the silo's gateway port: a TLS session holding the cluster's certificate stays open; without a certificate, or
        // with one the cluster does not trust, the silo ends it. (An Orleans client refused this way retries for minutes.)
        var port = int.Parse(silo["Silo__GatewayPort"]);
        Assert.Equal("open", await ProbeAsync(port, Load(cluster)));
        Assert.Equal("closed", await ProbeAsync(port, null));
        Assert.Equal("closed", await ProbeAsync(port, Load(stranger)));
        Assert.Equal("closed", await ProbeAsync(port, null, tls: false));
    }

    // Connects to a silo port as a client would and reports whether the silo keeps the session ("open") or ends it ("closed").
    private static async Task<string> ProbeAsync(int port, X509Certificate2? certificate, bool tls = true)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        Stream stream = tcp.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            if (tls)
            {
                // The probe trusts the silo: the question is whether the silo trusts the probe.
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "mediacenter-cluster",
                    ClientCertificates = certificate is null ? null : [certificate],
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                }, timeout.Token);
            }
            else
            {
                // Plain TCP: what an Orleans client without TLS sends first (its preamble), which a TLS listener cannot read.
                await stream.WriteAsync(new byte[] { 0, 0, 0, 32, 1, 2, 3, 4 }, timeout.Token);
            }

            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            quiet.CancelAfter(TimeSpan.FromSeconds(3));
            var read = await stream.ReadAsync(new byte[256], quiet.Token);
            return read > 0 ? "open" : "closed";
        }
        catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
        {
            return "open";
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return "closed";
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private static X509Certificate2 Load((string Certificate, string Key) files) => CertificateFiles.Load(files.Certificate, files.Key, null);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, string> Tls((string Certificate, string Key) files) => new()
    {
        ["Cluster__Tls__CertificatePath"] = files.Certificate,
        ["Cluster__Tls__KeyPath"] = files.Key,
    };

    private static ClusterTlsSettings Settings((string Certificate, string Key) files) =>
        new() { CertificatePath = files.Certificate, KeyPath = files.Key };

    // A self-issued certificate as an operator would make one with openssl: PEM certificate and PEM key.
    private (string Certificate, string Key) WriteCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=mediacenter-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName($"mediacenter-{name}");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(_dir, name + ".crt");
        var keyPath = Path.Combine(_dir, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
