using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MediaCenter.Launcher;

namespace MediaCenter.IntegrationTests.Launcher;

/// <summary>`./mediacenter up` in a temporary data directory, as an operator would run it.</summary>
[Collection(IntegrationCollection.Name)]
public sealed partial class LauncherSmokeTests : IDisposable
{
    private readonly string _data;
    private readonly Dictionary<string, int> _ports;

    public LauncherSmokeTests()
    {
        _data = Path.Combine(Path.GetTempPath(), "mc-up-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_data);
        File.SetUnixFileMode(_data, (UnixFileMode)0b111_101_101);
        _ports = new[] { "WEB", "MQTT", "PG", "GATEWAY_HTTP", "SILO_HTTP", "SILO", "SILO_GATEWAY" }.ToDictionary(k => k, _ => FreePorts.Next());
    }

    [Fact]
    public async Task Up_prints_ready_serves_health_stops_cleanly_on_ctrl_c_and_reuses_its_data()
    {
        var first = await RunUpAsync();
        Assert.Contains("new cluster", first.Output);
        Assert.Matches(@"created the administrator 'admin' with password \S{16}", first.Output);
        foreach (var port in new[] { _ports["WEB"], _ports["GATEWAY_HTTP"], _ports["SILO_HTTP"] })
        {
            using var http = new HttpClient();
            var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
            Assert.True(response.IsSuccessStatusCode, $"port {port}: {(int)response.StatusCode}");
        }

        var children = first.ChildPids.Append(first.PostgresPid).ToList();
        Assert.Equal(4, children.Count);
        await StopAsync(first);
        Assert.All(children, pid => Assert.False(IsRunning(pid), $"process {pid} is still running after Ctrl-C"));

        var second = await RunUpAsync("--demo");
        Assert.Contains("existing data", second.Output);
        Assert.Contains("(0 migration(s) applied now)", second.Output);
        Assert.DoesNotContain("created the administrator", second.Output);
        Assert.Matches(@"demo: created 10 accounts, all with password \S{16}", second.Output);
        Assert.Contains("demo-reviewer3", second.Output);

        // The demonstration opens onto boards with stories in every column, made through the API by the demo staff.
        var demoPassword = System.Text.RegularExpressions.Regex.Match(second.Output, @"all with password (\S+)").Groups[1].Value;
        using (var chief = await TestIdentity.SignInAsync(new Uri($"http://127.0.0.1:{_ports["WEB"]}"), "demo-chief", demoPassword))
        {
            string[] columns = ["Pitched", "PitchReturned", "Confirmed", "Assigned", "Drafting", "InReview", "Rejected", "Approved", "Scheduled", "Published", "Withdrawn"];
            var board = await Eventually.WaitAsync(() => chief.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/channels/demo-news-home/board"),
                b => columns.All(c => b.GetProperty("cards").EnumerateArray().Any(card => card.GetProperty("stage").GetString() == c)),
                TimeSpan.FromSeconds(60), "a story in every column of the demo board");
            Assert.Equal([1, 2, 3], board.GetProperty("cards").EnumerateArray().Where(c => c.GetProperty("stage").GetString() == "InReview")
                .Select(c => c.GetProperty("reviewLevel").GetInt32()).Order().ToArray());
        }

        await StopAsync(second);
        Assert.All(second.ChildPids.Append(second.PostgresPid), pid => Assert.False(IsRunning(pid)));
    }

    private sealed record Run(Process Launcher, string Output, IReadOnlyList<int> ChildPids, int PostgresPid);

    [Fact]
    public async Task Cluster_up_runs_two_silos_and_two_web_instances_that_both_see_the_whole_cluster()
    {
        var run = await RunUpAsync(["cluster", "up"], "--silos", "2", "--web", "2");
        try
        {
            var password = System.Text.RegularExpressions.Regex.Match(run.Output, @"with password (\S+)").Groups[1].Value;
            Assert.NotEmpty(password);
            Assert.Equal(5, run.ChildPids.Count);
            foreach (var web in new[] { _ports["WEB"], _ports["WEB"] + 10 })
            {
                using var client = await TestIdentity.SignInAsync(new Uri($"http://127.0.0.1:{web}"), "admin", password);
                var status = await Eventually.WaitAsync(() => client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/system/status"),
                    s => s.GetProperty("silos").GetArrayLength() == 2, TimeSpan.FromSeconds(20), "two silos seen from web on " + web);
                Assert.Equal(2, status.GetProperty("silos").GetArrayLength());
            }
        }
        finally
        {
            await StopAsync(run);
        }

        Assert.All(run.ChildPids.Append(run.PostgresPid), pid => Assert.False(IsRunning(pid)));
    }

    private Task<Run> RunUpAsync(params string[] extra) => RunUpAsync(["up"], extra);

    private async Task<Run> RunUpAsync(string[] command, params string[] extra)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(Repo.Root, "mediacenter") },
            WorkingDirectory = Repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Append("--no-build").Concat(extra))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("MEDIACENTER_DB");
        info.Environment.Remove("MEDIACENTER_BOOTSTRAP_ADMIN_PASSWORD");
        info.Environment["MEDIACENTER_CONFIGURATION"] = Repo.Configuration;
        info.Environment["MEDIACENTER_DATA"] = _data;
        foreach (var (name, port) in _ports)
        {
            info.Environment[$"MEDIACENTER_{name}_PORT"] = port.ToString();
        }

        var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains(" ready in ", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        if (finished != ready.Task)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Assert.Fail("./mediacenter up did not print its ready line. Output:\n" + text);
        }

        var pids = StartedPid().Matches(text).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        var postmaster = File.ReadLines(Path.Combine(_data, "postgres", "data", "postmaster.pid")).First();
        return new Run(process, text, pids, int.Parse(postmaster));
    }

    private static async Task StopAsync(Run run)
    {
        Posix.Signal(run.Launcher.Id, Posix.SigInt);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await run.Launcher.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, run.Launcher.ExitCode);
    }

    // A zombie (exited, not yet reaped by its parent) is not running.
    private static bool IsRunning(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return false;
        }

        var state = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
        return !state.Contains('Z');
    }

    [GeneratedRegex(@"started \(pid (\d+)\)")]
    private static partial Regex StartedPid();

    public void Dispose()
    {
        var cluster = new PostgresCluster(Path.Combine(_data, "postgres"), _ports["PG"]);
        cluster.StopAsync("immediate").GetAwaiter().GetResult();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
