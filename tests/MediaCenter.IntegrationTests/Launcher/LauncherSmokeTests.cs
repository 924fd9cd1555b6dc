using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MediaCenter.IntegrationTests.Launcher;

/// <summary>`./mediacenter up` in a temporary data directory, as an operator would run it.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class LauncherSmokeTests : IAsyncLifetime
{
    private readonly LauncherHome _home = new();

    [Fact]
    public async Task Up_prints_ready_serves_health_stops_cleanly_on_ctrl_c_and_reuses_its_data()
    {
        var first = await _home.UpAsync(["up"]);
        Assert.Contains("new cluster", first.Output);
        Assert.Matches(@"created the administrator 'admin' with password \S{16}", first.Output);
        Assert.Contains("created the key-ring key file", first.Output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home.Data, "secrets", "keyring.key")));
        foreach (var port in new[] { _home.WebPort, _home.GatewayHttpPort, _home.SiloHttpPort })
        {
            using var http = new HttpClient();
            var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
            Assert.True(response.IsSuccessStatusCode, $"port {port}: {(int)response.StatusCode}");
        }

        // The processes log in as the application role's member, with a password kept owner-only beside the key file, never as the
        // server's administrator (who could rewrite the logs).
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home.Data, "secrets", "db-processes.password")));
        foreach (var (name, pid) in first.Pids)
        {
            var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(
                environment.Single(e => e.StartsWith("ConnectionStrings__MediaCenter=", StringComparison.Ordinal))["ConnectionStrings__MediaCenter=".Length..]);
            Assert.True(connection.Username == "mediacenter_processes", $"{name} logs in as {connection.Username}");
        }

        var children = first.AllPids.Append(PostgresPid()).ToList();
        Assert.Equal(4, children.Count);
        await first.StopAsync();
        Assert.All(children, pid => Assert.False(LauncherHome.IsRunning(pid), $"process {pid} is still running after Ctrl-C"));

        var second = await _home.UpAsync(["up"], "--demo");
        Assert.Contains("existing data", second.Output);
        Assert.Contains("(0 migration(s) applied now)", second.Output);
        Assert.DoesNotContain("created the administrator", second.Output);
        Assert.DoesNotContain("created the key-ring key file", second.Output);
        Assert.DoesNotContain("declared dead", second.Output);
        Assert.Matches(@"demo: created 10 accounts, all with password \S{16}", second.Output);
        Assert.Contains("demo-reviewer3", second.Output);

        // The demonstration opens onto boards with stories in every column, made through the API by the demo staff.
        var demoPassword = Regex.Match(second.Output, @"all with password (\S+)").Groups[1].Value;
        using (var chief = await TestIdentity.SignInAsync(new Uri($"http://127.0.0.1:{_home.WebPort}"), "demo-chief", demoPassword))
        {
            string[] columns = ["Pitched", "PitchReturned", "Confirmed", "Assigned", "Drafting", "InReview", "Rejected", "Approved", "Scheduled", "Published", "Withdrawn"];
            var board = await Eventually.WaitAsync(() => chief.GetFromJsonAsync<JsonElement>("/api/v1/channels/demo-news-home/board"),
                b => columns.All(c => b.GetProperty("cards").EnumerateArray().Any(card => card.GetProperty("stage").GetString() == c)),
                TimeSpan.FromSeconds(60), "a story in every column of the demo board");
            Assert.Equal([1, 2, 3], board.GetProperty("cards").EnumerateArray().Where(c => c.GetProperty("stage").GetString() == "InReview")
                .Select(c => c.GetProperty("reviewLevel").GetInt32()).Order().ToArray());
        }

        // And two indicators in force for both demonstration parties, with the previous month closed.
        using (var management = await TestIdentity.SignInAsync(new Uri($"http://127.0.0.1:{_home.WebPort}"), "demo-management", demoPassword))
        {
            var figures = await Eventually.WaitAsync(() => management.GetFromJsonAsync<JsonElement>("/api/v1/indicators/figures"),
                f => f.EnumerateArray().Count(x => x.GetProperty("closed").GetBoolean()) == 4, TimeSpan.FromSeconds(60), "the demo indicators' closed month");
            Assert.Equal(["demo-culture", "demo-news"], figures.EnumerateArray().Select(f => f.GetProperty("partyId").GetString()).Distinct().Order());
            Assert.Equal(2, (await management.GetFromJsonAsync<JsonElement>("/api/v1/indicators")).GetArrayLength());
        }

        // And the demonstration staff owe the post-basics training in force, with a session scheduled.
        using (var partyAdmin = await TestIdentity.SignInAsync(new Uri($"http://127.0.0.1:{_home.WebPort}"), "demo-party-admin", demoPassword))
        {
            var training = await Eventually.WaitAsync(() => partyAdmin.GetFromJsonAsync<JsonElement>("/api/v1/people/training?organisation=party:demo-news"),
                t => t.GetProperty("obligations").GetArrayLength() == 3, TimeSpan.FromSeconds(60), "the demo staff's owed training");
            Assert.Equal("Active", Assert.Single(training.GetProperty("plans").EnumerateArray()).GetProperty("state").GetString());
            Assert.Equal("Scheduled", Assert.Single(training.GetProperty("sessions").EnumerateArray()).GetProperty("state").GetString());

            // And last month's appraisals: the editor's in draft, the director's scored.
            var appraisals = await Eventually.WaitAsync(
                () => partyAdmin.GetFromJsonAsync<JsonElement>("/api/v1/people/appraisals?organisation=party:demo-news"),
                a => a.GetArrayLength() == 2 && a.EnumerateArray().Any(x => x.GetProperty("state").GetString() == "Scored"), TimeSpan.FromSeconds(60),
                "the demo appraisals");
            Assert.Equal(["Draft", "Scored"], appraisals.EnumerateArray().Select(a => a.GetProperty("state").GetString()).Order());
        }

        var pids = second.AllPids.Append(PostgresPid()).ToList();
        await second.StopAsync();
        Assert.All(pids, pid => Assert.False(LauncherHome.IsRunning(pid)));
    }

    [Fact]
    public async Task Cluster_up_runs_two_silos_and_two_web_instances_that_both_see_the_whole_cluster()
    {
        var run = await _home.UpAsync(["cluster", "up"], "--silos", "2", "--web", "2");
        var password = Regex.Match(run.Output, @"with password (\S+)").Groups[1].Value;
        Assert.NotEmpty(password);
        Assert.Equal(5, run.AllPids.Count);

        // The generated password must be changed before the administrator may do anything else.
        const string chosen = "Cluster-Adm1n-Chosen!";
        using (var first = await TestIdentity.SignInAsync(new Uri($"http://127.0.0.1:{_home.WebPort}"), "admin", password))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await first.GetAsync("/api/system/status")).StatusCode);
            var changed = await first.PostAsJsonAsync("/api/auth/password", new { currentPassword = password, newPassword = chosen });
            Assert.True(changed.IsSuccessStatusCode, $"password change: {(int)changed.StatusCode} {await changed.Content.ReadAsStringAsync()}");
        }

        foreach (var web in new[] { _home.WebPort, _home.WebPort + 10 })
        {
            using var client = await TestIdentity.SignInAsync(new Uri($"http://127.0.0.1:{web}"), "admin", chosen);
            var status = await Eventually.WaitAsync(() => client.GetFromJsonAsync<JsonElement>("/api/system/status"),
                s => s.GetProperty("silos").GetArrayLength() == 2, TimeSpan.FromSeconds(20), "two silos seen from web on " + web);
            Assert.Equal(2, status.GetProperty("silos").GetArrayLength());
        }

        var pids = run.AllPids.Append(PostgresPid()).ToList();
        await run.StopAsync();
        Assert.All(pids, pid => Assert.False(LauncherHome.IsRunning(pid)));
    }

    private int PostgresPid() => int.Parse(File.ReadLines(Path.Combine(_home.Data, "postgres", "data", "postmaster.pid")).First());

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime.DisposeAsync after every test, passed or failed (it never calls IAsyncDisposable on a test class).
    public Task DisposeAsync() => _home.DisposeAsync().AsTask();
}
