using System.Collections.Concurrent;
using System.Diagnostics;
using MediaCenter.Grains.Terminals;

namespace MediaCenter.IntegrationTests.Failures;

/// <summary>
/// The devices gateway restarts — first stopped on purpose, then killed — while a fleet heartbeats through it: every terminal
/// reconnects by itself, no live terminal is flagged offline (no alert storm), and terminals that really stopped during the
/// restart are still flagged, a timeout after the gateway is back.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class GatewayRestartTests(IntegrationFixture fixture)
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_gateway_restart_reconnects_every_terminal_without_a_false_offline_storm_and_still_flags_the_ones_that_died()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("gw-silo");
        var port = FreePorts.Next();
        var portSetting = new Dictionary<string, string> { ["Mqtt__Port"] = port.ToString() };
        var gateway = await deployment.StartGatewayAsync("gw-1", portSetting);
        var cluster = await deployment.ConnectClientAsync();
        await deployment.Identity.PartyAsync("gwr-party");

        var fleet = new List<FieldTerminal>();
        for (var i = 0; i < 40; i++)
        {
            var id = $"gwr-{i:D3}";
            var secret = await deployment.Identity.Terminals.IssueAsync(id, "gwr-party", null);
            await cluster.GetGrain<ITerminalGrain>(id).RegisterAsync(
                new TerminalRegistration("重启测试 " + id, TerminalKind.Screen, "北区", "gwr-party", Heartbeat, Timeout), "register-" + id);
            fleet.Add(new FieldTerminal(id, secret, port, Heartbeat));
        }

        try
        {
            fleet.ForEach(t => t.Start());
            await Eventually.WaitAsync(() => HealthAsync(cluster, fleet), h => h.All(x => x == TerminalHealth.Online), TimeSpan.FromSeconds(30), "fleet online");

            // Phase 1: stopped on purpose (a deploy). Phase 2: killed (a crash). Each time 2 terminals die while it is away.
            var report = new List<string>();
            var dead = new List<(FieldTerminal Terminal, DateTimeOffset GatewayBack)>();
            foreach (var crash in new[] { false, true })
            {
                var from = DateTimeOffset.UtcNow;
                var down = Stopwatch.StartNew();
                if (crash)
                {
                    gateway.Kill();
                }
                else
                {
                    await gateway.Process.StopAsync(TimeSpan.FromSeconds(10));
                }

                var dying = fleet.Where(t => !dead.Any(d => d.Terminal == t)).Take(2).ToList();
                foreach (var terminal in dying)
                {
                    await terminal.DieAsync();
                }

                // Away longer than a terminal's own timeout, so without the grace every terminal would be flagged.
                await Task.Delay(Timeout + TimeSpan.FromSeconds(2));
                var restarting = DateTimeOffset.UtcNow;
                gateway = await deployment.StartGatewayAsync(crash ? "gw-3" : "gw-2", portSetting);
                var back = DateTimeOffset.UtcNow;
                var awaySeconds = down.Elapsed.TotalSeconds;
                dead.AddRange(dying.Select(t => (t, back)));

                var alive = fleet.Where(t => !dead.Any(d => d.Terminal == t)).ToList();
                var reconnected = await Eventually.WaitAsync(() => Task.FromResult(alive.Count(t => t.LastConnectedAt > back.AddSeconds(-2))),
                    n => n == alive.Count, TimeSpan.FromSeconds(30), "every live terminal reconnected");
                var lastReconnect = alive.Max(t => t.LastConnectedAt!.Value) - restarting;

                // Give the grace time to run out for the dead ones, then count the offline events since the gateway went away.
                await Task.Delay(Timeout + TimeSpan.FromSeconds(2));
                var offline = await FieldTerminal.OfflineAlertsSinceAsync(deployment.ConnectionString, from);
                var falseAlarms = offline.Where(id => alive.Any(t => t.Id == id)).ToList();
                Assert.True(falseAlarms.Count == 0, $"live terminals flagged offline after a gateway {(crash ? "crash" : "stop")}: {string.Join(", ", falseAlarms)}");
                Assert.Equal(dying.Select(t => t.Id).Order(), offline.Order());

                foreach (var terminal in dying)
                {
                    var snapshot = await cluster.GetGrain<ITerminalGrain>(terminal.Id).GetAsync();
                    Assert.Equal(TerminalHealth.Offline, snapshot.Health);
                    var late = snapshot.HealthSince!.Value - back;
                    Assert.True(late <= Timeout + TimeSpan.FromSeconds(2), $"{terminal.Id} flagged {late.TotalSeconds:0.0} s after the gateway came back");
                }

                var flagged = dying.Select(async t => ((await cluster.GetGrain<ITerminalGrain>(t.Id).GetAsync()).HealthSince!.Value - back).TotalSeconds);
                var flaggedAfter = await Task.WhenAll(flagged);
                report.Add($"{(crash ? "killed" : "stopped")}: away {awaySeconds:0.0} s (restart took {(back - restarting).TotalSeconds:0.0} s to ready); " +
                    $"{reconnected}/{alive.Count} live terminals reconnected, the last {lastReconnect.TotalSeconds:0.0} s after the restart began; " +
                    $"0 false offline alerts; {dying.Count} dead terminals flagged " +
                    $"{string.Join(" and ", flaggedAfter.Select(s => s.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} s after it was back (timeout 3 s)");
            }

            Assert.All(await HealthAsync(cluster, fleet.Where(t => !dead.Any(d => d.Terminal == t)).ToList()), h => Assert.Equal(TerminalHealth.Online, h));
            Console.WriteLine("gateway restart: " + string.Join("; ", report));
        }
        finally
        {
            foreach (var terminal in fleet)
            {
                await terminal.DisposeAsync();
            }
        }
    }

    private static async Task<List<TerminalHealth>> HealthAsync(IClusterClient cluster, IReadOnlyList<FieldTerminal> terminals) =>
        [.. await Task.WhenAll(terminals.Select(async t => (await cluster.GetGrain<ITerminalGrain>(t.Id).GetAsync()).Health))];
}
