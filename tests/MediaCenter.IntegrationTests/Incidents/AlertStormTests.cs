using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Terminals;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Failures;
using Npgsql;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>
/// A region's terminals, heartbeating over MQTT through the gateway, all stop at once (a power cut): the duty officer gets
/// one incident listing every terminal and one notification, not one of each per terminal.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AlertStormTests(IntegrationFixture fixture)
{
    // The issue's figure: a region's 300 terminals (the alert group hands them to the incident in batches, docs/INCIDENTS.md).
    private const int Fleet = 300;
    private const string Party = "storm-party";
    private const string Region = "演示区";
    // As `./mediacenter simulate --interval 5` runs them; the timeout leaves room for a starved test machine.
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    // Incidents:Grouping:UpdateInterval (default 1 min, docs/INCIDENTS.md), short here so that the updates and their bound are seen.
    private static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Three_hundred_terminals_of_one_region_going_silent_open_one_incident_and_page_each_audience_once()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("storm-silo", new Dictionary<string, string>(WebhookDeliveryTests.LoopbackReceiversAllowed)
        {
            ["Incidents__Grouping__UpdateInterval"] = UpdateInterval.ToString(),
            ["Webhooks__PollInterval"] = "00:00:00.200",
        });
        var port = FreePorts.Next();
        await deployment.StartGatewayAsync("storm-gw", new Dictionary<string, string> { ["Mqtt__Port"] = port.ToString() });
        var web = await deployment.StartWebAsync("storm-web", WebhookDeliveryTests.LoopbackReceiversAllowed);
        var cluster = await deployment.ConnectClientAsync();
        await deployment.Identity.PartyAsync(Party);

        // The duty room's chat bridge: a webhook for the operators' notifications, on a loopback receiver.
        await deployment.Identity.PlatformUserAsync("storm-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "storm-admin");
        await using var receiver = HookReceiver.Start(failFirst: 0);
        var hook = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = new Uri(receiver.Url, "hooks/duty").ToString(), audience = "ops" });
        Assert.Equal(HttpStatusCode.Created, hook.StatusCode);

        async Task<FieldTerminal> RegisterAsync(string id, string region)
        {
            var secret = await deployment.Identity.Terminals.IssueAsync(id, Party, null);
            await cluster.GetGrain<ITerminalGrain>(id).RegisterAsync(
                new TerminalRegistration("演示屏 " + id, TerminalKind.Screen, region, Party, Heartbeat, Timeout), "register-" + id);
            return new FieldTerminal(id, secret, port, Heartbeat);
        }

        var fleet = new List<FieldTerminal>();
        for (var i = 0; i < Fleet; i++)
        {
            fleet.Add(await RegisterAsync($"storm-{i:D3}", Region));
        }

        // Another region keeps heartbeating through the same gateway: the silence is the region's, not the gateway's (a
        // gateway that delivers nothing at all holds every verdict, see docs/MQTT.md).
        var witnesses = new List<FieldTerminal>();
        for (var i = 0; i < 5; i++)
        {
            witnesses.Add(await RegisterAsync($"storm-north-{i}", "北区"));
        }

        try
        {
            fleet.Concat(witnesses).ToList().ForEach(t => t.Start());
            await Eventually.WaitAsync(() => HealthAsync(cluster, [.. fleet, .. witnesses]), h => h.All(x => x == TerminalHealth.Online),
                TimeSpan.FromSeconds(90), "fleet online");

            var clock = Stopwatch.StartNew();
            await Task.WhenAll(fleet.Select(t => t.DieAsync()));

            await Eventually.WaitAsync(() => HealthAsync(cluster, fleet), h => h.All(x => x == TerminalHealth.Offline), TimeSpan.FromSeconds(90), "fleet offline");
            var allOffline = clock.Elapsed;
            Assert.All(await HealthAsync(cluster, witnesses), h => Assert.Equal(TerminalHealth.Online, h));
            var group = cluster.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", Party, Region));
            // The group answers at once (it is reentrant): the first member's incident may still be opening.
            var incidentId = await Eventually.WaitAsync(group.CurrentIncidentAsync, id => id is not null, TimeSpan.FromSeconds(30), "the group's incident");
            var incident = await Eventually.WaitAsync(() => cluster.GetGrain<IIncidentGrain>(incidentId!).GetAsync(),
                s => s?.Group is { Active: Fleet } g && g.Members.Count == Fleet, TimeSpan.FromSeconds(60), "every terminal listed out on the incident");
            var listed = clock.Elapsed;

            Assert.Equal([.. fleet.Select(t => t.Id).Order()], incident!.Group!.Members.Select(m => m.Id).Order());
            Assert.Equal((Fleet, 0), (incident.Group.Active, incident.Group.Recovered));
            Assert.Equal(IncidentSeverity.P1, incident.Severity);
            Assert.Equal($"{Region}：{Fleet} 台终端离线", MediaCenter.Messages.MessageCatalog.Render(incident.Title, MediaCenter.Messages.Languages.Chinese));

            // One incident of the party, in the read model too; the notifications of its first minute: the report, once per audience.
            await Eventually.WaitAsync(() => ScalarAsync(deployment.ConnectionString,
                "SELECT count(*) FROM mc.incidents WHERE party_id = @party AND snapshot->'group'->'members' IS NOT NULL AND jsonb_array_length(snapshot->'group'->'members') = @n",
                ("party", Party), ("n", Fleet)), n => n == 1, TimeSpan.FromSeconds(30), "the grouped incident in the read model");
            // (A witness of the other region missing its deadline on a starved machine opens an incident of its own region.)
            Assert.Equal(1, await ScalarAsync(deployment.ConnectionString,
                "SELECT count(*) FROM mc.incidents WHERE party_id = @party AND dedup_key NOT LIKE 'terminal:storm-north-%'", ("party", Party)));

            // The list leaves the member list out and keeps the counts (the read model follows membership at most every 500 ms).
            await Eventually.WaitAsync(() => ScalarAsync(deployment.ConnectionString,
                "SELECT count(*) FROM (SELECT (snapshot - 'timeline' #- '{group,members}') AS card FROM mc.incidents WHERE party_id = @party) c " +
                "WHERE NOT (c.card->'group' ? 'members') AND (c.card->'group'->>'active')::int = @n", ("party", Party), ("n", Fleet)),
                n => n == 1, TimeSpan.FromSeconds(30), "the counts of the grouped incident in the list");
            // Counted from the report (on a starved machine a terminal missing a heartbeat before the silence may open it earlier).
            var elapsed = DateTimeOffset.UtcNow - incident.ReportedAt;
            var pages = await NotificationsAsync(deployment.ConnectionString, incidentId!);
            foreach (var audience in new[] { "ops", "management", "party:" + Party })
            {
                var mine = pages.Where(p => p.Audience == audience).ToList();
                Assert.Equal(1, mine.Count(p => p.Kind == "incident.reported"));

                // Updates come at most once per interval (1 min) after the report.
                var allowedUpdates = (int)(elapsed / UpdateInterval);
                Assert.True(mine.Count(p => p.Kind == "incident.group.updated") <= allowedUpdates,
                    $"{audience}: {mine.Count} notifications in {elapsed.TotalSeconds:0} s");
                Assert.All(mine, p => Assert.True(p.Kind is "incident.reported" or "incident.group.updated", p.Kind));
            }

            // The webhook: one delivery for the report, then the updates (at most one per interval), each with the counts and a bounded
            // member list linking to the full one.
            var updated = await Eventually.WaitAsync(() => Task.FromResult(Deliveries(receiver, incidentId!)),
                d => d.Any(x => x.Kind == "incident.group.updated" && x.Group?.GetProperty("active").GetInt32() == Fleet), TimeSpan.FromSeconds(60),
                "a webhook update with every member counted");
            var hookElapsed = DateTimeOffset.UtcNow - incident.ReportedAt;
            var deliveries = Deliveries(receiver, incidentId!);
            Assert.Equal(1, deliveries.Count(d => d.Kind == "incident.reported"));
            var updates = deliveries.Where(d => d.Kind == "incident.group.updated").ToList();
            Assert.InRange(updates.Count, 1, (int)(hookElapsed / UpdateInterval) + 1);
            var digest = updates.Last(u => u.Group?.GetProperty("active").GetInt32() == Fleet).Group!.Value;
            Assert.Equal(Fleet, digest.GetProperty("total").GetInt32());
            Assert.Equal(20, digest.GetProperty("members").GetArrayLength()); // Incidents:Grouping:MembersInNotification
            Assert.Equal($"/api/v1/incidents/{incidentId}", digest.GetProperty("fullList").GetString());
            Assert.Equal("/incidents/" + incidentId, updates[0].Link);

            Console.WriteLine($"alert storm: {Fleet} terminals silent; all offline after {allOffline.TotalSeconds:0.0} s, all listed on one incident after " +
                $"{listed.TotalSeconds:0.0} s; {pages.Count} notifications in {elapsed.TotalSeconds:0} s ({pages.Count(p => p.Audience == "ops")} for ops); " +
                $"webhook: {deliveries.Count} deliveries in {hookElapsed.TotalSeconds:0} s (1 report, {updates.Count} updates)");
        }
        finally
        {
            foreach (var terminal in fleet.Concat(witnesses))
            {
                await terminal.DisposeAsync();
            }
        }
    }

    private sealed record Delivery(string Kind, string? Link, JsonElement? Group);

    private static List<Delivery> Deliveries(HookReceiver receiver, string incidentId) =>
        [.. receiver.Received.Select(r => JsonDocument.Parse(r.Text).RootElement)
            .Where(p => p.GetProperty("incidentId").GetString() == incidentId)
            .Select(p => new Delivery(p.GetProperty("kind").GetString()!, p.GetProperty("link").GetString(),
                p.GetProperty("group").ValueKind == JsonValueKind.Object ? p.GetProperty("group").Clone() : null))];

    private static async Task<List<TerminalHealth>> HealthAsync(IClusterClient cluster, IReadOnlyList<FieldTerminal> terminals) =>
        [.. await Task.WhenAll(terminals.Select(async t => (await cluster.GetGrain<ITerminalGrain>(t.Id).GetAsync()).Health))];

    private static async Task<long> ScalarAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<List<(string Audience, string Kind)>> NotificationsAsync(string connectionString, string incidentId)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT audience, kind FROM mc.notifications WHERE incident_id = @id");
        command.Parameters.AddWithValue("id", incidentId);
        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }
}
