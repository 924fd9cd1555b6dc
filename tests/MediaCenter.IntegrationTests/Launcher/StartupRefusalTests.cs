using System.Net;
using System.Net.Sockets;

namespace MediaCenter.IntegrationTests.Launcher;

/// <summary>
/// Every refusal of <c>up</c> is one line that names the setting and the rule, with a non-zero exit code and no stack trace,
/// and happens before anything is left running.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class StartupRefusalTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private readonly LauncherHome _home = new();

    [Fact]
    public async Task A_bootstrap_password_the_policy_refuses_is_one_line_naming_the_variable_and_the_rule()
    {
        var (exit, stdout, stderr) = await UpAsync(new() { ["MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD"] = "Admin-1234567" });

        AssertOneLineRefusal(exit, stderr, "MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD", "must not contain the user name");
        Assert.Empty(stdout.Trim());
        Assert.False(Directory.Exists(Path.Combine(_home.Data, "postgres")), "nothing may start before the refusal");
    }

    [Fact]
    public async Task A_short_bootstrap_password_names_the_length_rule()
    {
        var (exit, _, stderr) = await UpAsync(new() { ["MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD"] = "Ab1-x" });

        AssertOneLineRefusal(exit, stderr, "MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD", "at least 10 characters");
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_naming_its_setting_and_the_port()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, _home.WebPort);
        squatter.Start();

        var (exit, _, stderr) = await UpAsync([]);

        AssertOneLineRefusal(exit, stderr, $"--web-port / MEDIACENTER_WEB_PORT: port {_home.WebPort} (web)", "must be free");
        Assert.False(Directory.Exists(Path.Combine(_home.Data, "postgres")), "nothing may start before the refusal");
    }

    [Fact]
    public async Task A_malformed_port_variable_is_one_line_naming_it()
    {
        var (exit, _, stderr) = await UpAsync(new() { ["MEDIACENTER_MQTT_PORT"] = "eighteen" });

        AssertOneLineRefusal(exit, stderr, "MEDIACENTER_MQTT_PORT", "must be a TCP port between 1 and 65535 (was 'eighteen')");
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_naming_MEDIACENTER_DB()
    {
        var closed = FreePorts.Next();
        var (exit, _, stderr) = await UpAsync(new() { ["MEDIACENTER_DB"] = $"Host=127.0.0.1;Port={closed};Database=mediacenter;Username=mc;Password=x;Timeout=3" });

        AssertOneLineRefusal(exit, stderr, "MEDIACENTER_DB", $"cannot reach PostgreSQL at 127.0.0.1:{closed}");
    }

    [Fact]
    public async Task A_database_that_refuses_the_sign_in_is_one_line_naming_MEDIACENTER_DB()
    {
        var real = new Npgsql.NpgsqlConnectionStringBuilder(await fixture.Postgres.CreateDatabaseAsync("refuse")) { Password = "not-the-password" };

        var (exit, _, stderr) = await UpAsync(new() { ["MEDIACENTER_DB"] = real.ConnectionString });

        AssertOneLineRefusal(exit, stderr, "MEDIACENTER_DB", "refused the connection");
    }

    [Fact]
    public async Task A_PostgreSQL_older_than_15_is_one_line_naming_the_rule()
    {
        // An installation whose server says it is 14: the launcher asks the binaries it would run for their version.
        var bin = Path.Combine(_home.Data, "pg14", "bin");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "pg_ctl", "initdb", "postgres" })
        {
            var path = Path.Combine(bin, tool);
            await File.WriteAllTextAsync(path, "#!/bin/sh\necho \"" + tool + " (PostgreSQL) 14.12\"\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }

        var (exit, _, stderr) = await UpAsync(new() { ["MEDIACENTER_PG_BIN"] = bin });

        AssertOneLineRefusal(exit, stderr, "MEDIACENTER_PG_BIN", "PostgreSQL 14.12");
        Assert.Contains("needs PostgreSQL 15 or newer", stderr);
    }

    [Fact]
    public async Task A_private_cluster_made_by_another_PostgreSQL_version_is_one_line_naming_the_data_directory()
    {
        var data = Path.Combine(_home.Data, "postgres", "data");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, "PG_VERSION"), "99\n");

        var (exit, _, stderr) = await UpAsync([]);

        AssertOneLineRefusal(exit, stderr, "MEDIACENTER_DATA", "was made by PostgreSQL 99");
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> UpAsync(Dictionary<string, string> environment) =>
        _home.RunAsync(["up", "--no-build"], environment, TimeSpan.FromSeconds(90));

    private static void AssertOneLineRefusal(int exit, string stderr, params string[] expected)
    {
        Assert.NotEqual(0, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mediacenter: ", line);
        foreach (var text in expected)
        {
            // A rule's words, wherever they fall in the sentence (the policy's objections start with a capital).
            Assert.Contains(text, line, StringComparison.OrdinalIgnoreCase);
        }

        // The launcher speaks English at the terminal: no message left encoded, no Chinese.
        Assert.DoesNotContain(line, c => c is >= '\uE000' and <= '\uE003' or >= '\u4e00' and <= '\u9fff');
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("Exception", stderr);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime.DisposeAsync after every test, passed or failed (it never calls IAsyncDisposable on a test class).
    public Task DisposeAsync() => _home.DisposeAsync().AsTask();
}
