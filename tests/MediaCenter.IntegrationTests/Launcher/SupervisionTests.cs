using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediaCenter.Identity;
using MediaCenter.Launcher;

namespace MediaCenter.IntegrationTests.Launcher;

/// <summary>
/// <c>cluster up</c> keeps its processes running: a silo, the web instance and the gateway are each killed (SIGKILL) while an
/// editor files stories with Idempotency-Keys; each is restarted, the system is ready again, and every acknowledged story is
/// there. After a crash of the whole launcher the next <c>up</c> is ready quickly: it ends what the crashed launcher left
/// running and declares its dead silos dead instead of waiting for Orleans to find out.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed partial class SupervisionTests : IAsyncLifetime
{
    private readonly LauncherHome _home = new();

    [Fact]
    public async Task A_killed_silo_web_instance_and_gateway_are_each_restarted_and_nothing_acknowledged_is_lost()
    {
        var run = await _home.UpAsync(["cluster", "up"], "--silos", "2", "--web", "1");
        var web = new Uri($"http://127.0.0.1:{_home.WebPort}");
        using var editor = await EditorAsync(web);
        await using var writer = new StoryWriter(editor, "sup-home");
        var firstSilo = run.Pids["silo"];

        foreach (var victim in new[] { "silo2", "web", "gateway" })
        {
            var before = writer.Acknowledged.Count;
            await writer.WaitForAsync(before + 3, TimeSpan.FromSeconds(60), $"three stories acknowledged before the {victim} is killed");
            var mark = run.Stdout.Length;
            Posix.Signal(run.Pids[victim], Posix.SigKill);

            var back = await run.WaitForOutputAsync($"{victim}: ready again", TimeSpan.FromSeconds(150), mark);
            Assert.Contains($"{victim}: exited unexpectedly (code 137: SIGKILL)", run.Stderr);
            var acknowledged = writer.Acknowledged.Count;
            await writer.WaitForAsync(acknowledged + 3, TimeSpan.FromSeconds(60), $"stories acknowledged after the {victim} came back");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"supervision: {victim} SIGKILLed, ready again {back.TotalSeconds:0.0} s later; longest time without an acknowledged story so far {writer.LongestGap.TotalSeconds:0.0} s"));
        }

        await writer.StopAsync();
        Assert.Equal(firstSilo, run.Pids["silo"]);
        using (var probe = new HttpClient())
        {
            foreach (var port in new[] { _home.WebPort, _home.GatewayHttpPort, _home.SiloHttpPort, _home.SiloHttpPort + 10 })
            {
                var response = await probe.GetAsync($"http://127.0.0.1:{port}/health/ready");
                Assert.True(response.IsSuccessStatusCode, $"port {port} is not ready: {(int)response.StatusCode}");
            }
        }

        // Every acknowledged story is there, once: a retried key gave the same story.
        var acknowledgedIds = writer.Acknowledged.Values.ToList();
        Assert.Equal(acknowledgedIds.Count, acknowledgedIds.Distinct().Count());
        foreach (var id in acknowledgedIds)
        {
            var response = await editor.GetAsync($"/api/v1/articles/{id}");
            Assert.True(response.IsSuccessStatusCode, $"acknowledged story {id} is missing: {(int)response.StatusCode}");
        }

        // The restarts are counted where ./mediacenter status shows them.
        var (exit, status, _) = await _home.RunAsync(["status"]);
        Assert.Equal(0, exit);
        Assert.Contains("restarts: 3", status);
        foreach (var (name, restarts) in new[] { ("silo", 0), ("silo2", 1), ("web", 1), ("gateway", 1) })
        {
            Assert.Matches(new Regex($@"^{name}\s+\d+\s+ready\s+\S+\s+{restarts}\s", RegexOptions.Multiline), status);
        }

        Console.WriteLine($"supervision: {acknowledgedIds.Count} stories acknowledged across three kills, {acknowledgedIds.Count} present, 0 lost");
        var pids = run.Pids.Values.ToList();
        await run.StopAsync();
        Assert.All(pids, pid => Assert.False(LauncherHome.IsRunning(pid), $"pid {pid} outlived Ctrl-C"));
    }

    [Fact]
    public async Task After_a_crash_up_ends_what_the_old_launcher_left_declares_its_dead_silos_dead_and_becomes_ready()
    {
        var first = await _home.UpAsync(["cluster", "up"], "--silos", "2");
        var orphans = first.Pids.Values.ToList();

        // The launcher alone dies: its processes run on without it, holding the ports.
        Posix.Signal(first.Pid, Posix.SigKill);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.All(orphans, pid => Assert.True(LauncherHome.IsRunning(pid)));

        var second = await _home.UpAsync(["cluster", "up"], "--silos", "2");
        foreach (var name in new[] { "silo", "silo2", "web", "gateway" })
        {
            Assert.Contains($"{name}: pid {first.Pids[name]} was left running by a launcher that ended without stopping it", second.Stdout);
        }

        Assert.All(orphans, pid => Assert.False(LauncherHome.IsRunning(pid)));

        // Everything dies at once (the machine lost power): the silos never said goodbye to the membership table.
        await second.CrashAsync();
        var third = await _home.UpAsync(["cluster", "up"], "--silos", "2");
        Assert.Contains("membership: 2 silo(s) of an earlier run that did not stop cleanly declared dead", third.Stdout);
        var ready = double.Parse(ReadyIn().Match(third.Stdout).Groups[1].Value, CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"restart after a crash: ready in {ready:0.0} s (2 silos, web, gateway; PostgreSQL kept running)"));
        // The 15 s target is a speed figure: measured on a quiet machine and reported in docs/OPERATIONS.md, not asserted
        // here, where a shared CI machine's load decides the number. What this test proves is the mechanism: the dead silos
        // were declared dead above, so the new ones did not wait on them, and the whole system came up.
        Assert.True(ready > 0, $"up printed no readiness time:\n{third.Output}");
        await third.StopAsync();
    }

    private async Task<HttpClient> EditorAsync(Uri web)
    {
        await using var identity = new TestIdentity(_home.Postgres.ConnectionString);
        await identity.PartyAsync("sup");
        var id = await identity.PartyUserAsync("sup-editor", "sup", PartyRoles.Member);
        await identity.Users.AddChannelRoleAsync("sup-home", id, ChannelRoles.Editor, null);
        return await TestIdentity.SignInAsync(web, "sup-editor");
    }

    [GeneratedRegex(@"ready in (\d+(?:\.\d+)?) s")]
    private static partial Regex ReadyIn();

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime.DisposeAsync after every test, passed or failed (it never calls IAsyncDisposable on a test class).
    public Task DisposeAsync() => _home.DisposeAsync().AsTask();

    /// <summary>Files stories one after another, each retried with its own Idempotency-Key until it is acknowledged (201).</summary>
    private sealed class StoryWriter : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Lock _lock = new();
        private readonly Dictionary<string, string> _acknowledged = [];
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
        private TimeSpan _longestGap;

        public StoryWriter(HttpClient editor, string channel)
        {
            _loop = Task.Run(() => RunAsync(editor, channel));
        }

        /// <summary>Idempotency-Key → story id of every acknowledged filing.</summary>
        public IReadOnlyDictionary<string, string> Acknowledged
        {
            get
            {
                lock (_lock)
                {
                    return new Dictionary<string, string>(_acknowledged);
                }
            }
        }

        public TimeSpan LongestGap
        {
            get
            {
                lock (_lock)
                {
                    return _longestGap;
                }
            }
        }

        public async Task WaitForAsync(int count, TimeSpan timeout, string what)
        {
            var clock = Stopwatch.StartNew();
            while (Acknowledged.Count < count)
            {
                Assert.True(clock.Elapsed < timeout, $"{what}: only {Acknowledged.Count} of {count} within {timeout.TotalSeconds:0} s");
                Assert.False(_loop.IsCompleted, $"the writer stopped: {_loop.Exception}");
                await Task.Delay(100);
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        private async Task RunAsync(HttpClient editor, string channel)
        {
            try
            {
                await FileAsync(editor, channel);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        }

        private async Task FileAsync(HttpClient editor, string channel)
        {
            for (var n = 0; !_stop.IsCancellationRequested; n++)
            {
                var key = Guid.NewGuid().ToString();
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channel}/pitches")
                        {
                            Content = JsonContent.Create(new { title = $"守护测试稿件 {n}", angle = "进程被杀后自动重启" }),
                        };
                        request.Headers.Add("Idempotency-Key", key);
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                        timeout.CancelAfter(TimeSpan.FromSeconds(15));
                        using var response = await editor.SendAsync(request, timeout.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                            lock (_lock)
                            {
                                _acknowledged[key] = id;
                                _longestGap = _sinceLast.Elapsed > _longestGap ? _sinceLast.Elapsed : _longestGap;
                                _sinceLast.Restart();
                            }

                            break;
                        }

                        // 4xx other than a conflict is a bug in the test, not an outage: stop and say so.
                        if ((int)response.StatusCode is >= 400 and < 500 and not 409 and not 429)
                        {
                            throw new InvalidOperationException($"filing was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !_stop.IsCancellationRequested))
                    {
                        // The process that would answer is being killed or restarted: the same key again, shortly.
                    }

                    await Task.Delay(200, CancellationToken.None);
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
            }

            try
            {
                await _loop;
            }
            catch (InvalidOperationException)
            {
                // Reported by the test through WaitForAsync already.
            }

            _stop.Dispose();
        }
    }
}
