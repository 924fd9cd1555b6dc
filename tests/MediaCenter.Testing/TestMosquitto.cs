using System.Diagnostics;
using System.Net.Sockets;
using MediaCenter.Launcher;

namespace MediaCenter.Testing;

/// <summary>
/// A Mosquitto broker (Debian's package) on a free loopback port, with a password file and an ACL file
/// the way production would configure it: the gateway reads every terminal topic and writes commands;
/// each terminal reads and writes only under <c>mc/t/{its user name}/</c>.
/// </summary>
public sealed class TestMosquitto : IAsyncDisposable
{
    /// <summary>The gateway's account on the broker.</summary>
    public const string GatewayUser = "mediacenter-gateway";

    private readonly Process _process;
    private readonly string _dir;

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The gateway's password.</summary>
    public string GatewayPassword { get; }

    private TestMosquitto(Process process, string dir, int port, string gatewayPassword)
    {
        _process = process;
        _dir = dir;
        Port = port;
        GatewayPassword = gatewayPassword;
    }

    /// <summary>Starts a broker that knows the gateway and the given terminals (id → password).</summary>
    public static async Task<TestMosquitto> StartAsync(IReadOnlyDictionary<string, string> terminals)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mc-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var passwords = Path.Combine(dir, "passwd");
        var gatewayPassword = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(passwords, "");
        foreach (var (user, password) in terminals.Append(new(GatewayUser, gatewayPassword)))
        {
            var result = await ProcessRunner.RunAsync("mosquitto_passwd", ["-b", passwords, user, password]);
            if (!result.Ok)
            {
                throw new InvalidOperationException("mosquitto_passwd failed: " + result.Output);
            }
        }

        // The deploy files themselves, so what is proven here is what production runs: the ACL as it is, the
        // configuration with only the listener, the file locations and persistence changed for a throw-away broker.
        var deployDir = Path.Combine(Repo.Root, "deploy", "compose", "mosquitto");
        File.Copy(Path.Combine(deployDir, "acl"), Path.Combine(dir, "acl"));
        var port = FreePorts.Next();
        var config = Path.Combine(dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, string.Join('\n', ["user root", .. DeployConfiguration(
            await File.ReadAllLinesAsync(Path.Combine(deployDir, "mosquitto.conf")), port, passwords, Path.Combine(dir, "acl"))]) + "\n");

        var process = Process.Start(new ProcessStartInfo("mosquitto") { ArgumentList = { "-c", config }, RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("mosquitto did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return new TestMosquitto(process, dir, port, gatewayPassword);
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        process.Kill();
        throw new InvalidOperationException("mosquitto did not listen on port " + port);
    }

    /// <summary>
    /// The deploy configuration with its plain listener on loopback <paramref name="port"/> and local files; its TLS listener
    /// (8883 and the certificate lines, proven in MosquittoOverrideTests) left out.
    /// </summary>
    public static IEnumerable<string> DeployConfiguration(IEnumerable<string> lines, int port, string passwords, string acl)
    {
        foreach (var line in lines)
        {
            var directive = line.Split(' ', 2)[0];
            if (line == "listener 8883" || directive is "cafile" or "certfile" or "keyfile" or "tls_version" or "require_certificate")
            {
                continue;
            }

            yield return directive switch
            {
                "listener" => $"listener {port} 127.0.0.1",
                "password_file" => $"password_file {passwords}",
                "acl_file" => $"acl_file {acl}",
                "persistence" => "persistence false",
                "persistence_location" => "",
                _ => line,
            };
        }
    }

    /// <summary>Settings that put a gateway in external-broker mode against this broker.</summary>
    public Dictionary<string, string> GatewaySettings() => new()
    {
        ["Mqtt__Mode"] = "External",
        ["Mqtt__Host"] = "127.0.0.1",
        ["Mqtt__Port"] = Port.ToString(),
        ["Mqtt__Username"] = GatewayUser,
        ["Mqtt__Password"] = GatewayPassword,
        ["Mqtt__ClientId"] = "gateway-" + Guid.NewGuid().ToString("N")[..6],
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
