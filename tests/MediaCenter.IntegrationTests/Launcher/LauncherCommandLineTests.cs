namespace MediaCenter.IntegrationTests.Launcher;

/// <summary>The command line of ./mediacenter, run through the script as an operator types it.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class LauncherCommandLineTests : IAsyncLifetime
{
    private readonly LauncherHome _home = new();

    public static TheoryData<string> Commands() =>
    [
        "up", "cluster up", "status", "db migrate", "db status", "db standby", "db promote", "backup", "restore",
        "simulate", "test", "bench", "build", "publish",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_answers_help_with_its_own_usage_and_runs_nothing(string command)
    {
        var (exit, stdout, stderr) = await _home.RunAsync([.. command.Split(' '), "--help"], timeout: TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("Usage:", stdout);
        Assert.Contains($"./mediacenter {command} [", stdout);
        Assert.Contains("--help", stdout);
        Assert.Empty(stderr.Trim());
        // Nothing ran: no build, no PostgreSQL, no log, no state in the data directory.
        Assert.Empty(Directory.GetFileSystemEntries(_home.Data));
    }

    [Fact]
    public async Task Help_of_up_names_every_setting_with_its_variable()
    {
        var (_, stdout, _) = await _home.RunAsync(["up", "--help"]);

        foreach (var variable in new[] { "MEDIACENTER_WEB_PORT", "MEDIACENTER_MQTT_PORT", "MEDIACENTER_PG_PORT", "MEDIACENTER_DATA", "MEDIACENTER_RESTART_LIMIT" })
        {
            Assert.Contains(variable, stdout);
        }
    }

    [Theory]
    [InlineData("up --bogus", "Unrecognized command or argument '--bogus'")]
    [InlineData("cluster up --silos 9", "--silos must be a whole number from 1 to 8 (was '9')")]
    [InlineData("up --web-port http", "--web-port must be a TCP port between 1 and 65535 (was 'http')")]
    [InlineData("simulate --terminals 10 --frob", "Unrecognized command or argument '--frob'")]
    [InlineData("simulate --interval 0", "--interval must be a positive number of seconds (was '0')")]
    [InlineData("simulate --mqtt-ca /nowhere/ca.crt", "--mqtt-ca names no file (/nowhere/ca.crt)")]
    [InlineData("simulate --mqtt-tls --mqtt-client-cert /etc/passwd", "--mqtt-client-cert and --mqtt-client-key go together")]
    [InlineData("bench --only B1,B9", "--only names benchmarks B1 to B8 (unknown: B9)")]
    [InlineData("bench --b1-sekonds 5", "Unrecognized command or argument '--b1-sekonds'")]
    [InlineData("test Integration Browser", "Unrecognized command or argument 'Browser'")]
    [InlineData("db migrate --bootstrap", "Unrecognized command or argument '--bootstrap'")]
    [InlineData("db standby", "Option '--standby-dir' is required")]
    [InlineData("backup --to /nowhere --keep 0", "--keep must be a whole number from 1 to 10000 (was '0')")]
    [InlineData("frobnicate", "Unrecognized command or argument 'frobnicate'")]
    public async Task A_wrong_argument_is_one_line_naming_it_and_exit_code_2(string commandLine, string message)
    {
        var (exit, stdout, stderr) = await _home.RunAsync(commandLine.Split(' '), timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mediacenter: ", line);
        Assert.Contains(message, line);
        Assert.Contains("--help)", line);
        Assert.Empty(stdout.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(_home.Data));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime.DisposeAsync after every test, passed or failed (it never calls IAsyncDisposable on a test class).
    public Task DisposeAsync() => _home.DisposeAsync().AsTask();
}
