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
/// Inhibition end to end: a region under a maintenance window marked through the API goes silent (real terminals over MQTT
/// through the gateway, a real silo and PostgreSQL): nothing is opened and nobody is paged; when the window ends, the
/// terminals still out page once, as one grouped incident.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class MaintenanceWindowTests(IntegrationFixture fixture)
{
    private const int Fleet = 20;
    private const string Party = "mw-party";
    private const string Region = "维护区";
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_region_under_maintenance_going_silent_opens_nothing_and_pages_nobody_and_the_windows_end_gives_one_grouped_incident()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("mw-silo");
        var port = FreePorts.Next();
        await deployment.StartGatewayAsync("mw-gw", new Dictionary<string, string> { ["Mqtt__Port"] = port.ToString() });
        var web = await deployment.StartWebAsync("mw-web");
        var cluster = await deployment.ConnectClientAsync();
        await deployment.Identity.PartyAsync(Party);
        await deployment.Identity.PlatformUserAsync("mw-operator", PlatformRoles.Operator);
        using var operatorClient = await TestIdentity.SignInAsync(web.Http, "mw-operator");

        async Task<FieldTerminal> RegisterAsync(string id, string region)
        {
            var secret = await deployment.Identity.Terminals.IssueAsync(id, Party, null);
            await cluster.GetGrain<ITerminalGrain>(id).RegisterAsync(
                new TerminalRegistration("维护屏 " + id, TerminalKind.Screen, region, Party, Heartbeat, Timeout), "register-" + id);
            return new FieldTerminal(id, secret, port, Heartbeat);
        }

        var fleet = new List<FieldTerminal>();
        for (var i = 0; i < Fleet; i++)
        {
            fleet.Add(await RegisterAsync($"mw-{i:D2}", Region));
        }

        // Another region keeps heartbeating through the same gateway: the gateway is up, the silence is the region's.
        var witnesses = new List<FieldTerminal>();
        for (var i = 0; i < 3; i++)
        {
            witnesses.Add(await RegisterAsync($"mw-north-{i}", "北区"));
        }

        // The window first: a terminal of the region that misses a beat while the fleet comes up on a starved machine is then
        // held (and closed out when it is back) instead of opening an incident the window would rightly leave alone.
        var marked = await operatorClient.PostAsJsonAsync("/api/v1/maintenance-windows",
            new { partyId = Party, region = Region, to = DateTimeOffset.UtcNow.AddHours(1), reason = "机房电力改造" });
        var window = await marked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(marked.StatusCode == HttpStatusCode.Created, window.ToString());
        var id = window.Str("id");
        await Eventually.WaitAsync(() => operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/maintenance-windows/{id}"),
            w => w.GetProperty("window").Str("stage") == "Active", TimeSpan.FromSeconds(30), "the window active");

        try
        {
            fleet.Concat(witnesses).ToList().ForEach(t => t.Start());
            await Eventually.WaitAsync(() => HealthAsync(cluster, [.. fleet, .. witnesses]), h => h.All(x => x == TerminalHealth.Online),
                TimeSpan.FromSeconds(90), "fleet online");

            await Task.WhenAll(fleet.Select(t => t.DieAsync()));
            await Eventually.WaitAsync(() => HealthAsync(cluster, fleet), h => h.All(x => x == TerminalHealth.Offline), TimeSpan.FromSeconds(90), "fleet offline");

            // Every one held under the window, shown live on the window's list; not one incident or notification of the region.
            var (held, _) = await Eventually.WaitAsync(async () => (
                    await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/maintenance-windows/{id}"),
                    // Shown when the wait fails: what became of the terminals not held.
                    string.Join(", ", (await Task.WhenAll(fleet.Select(async t => t.Id + "=" + (await cluster.GetGrain<ITerminalGrain>(t.Id).GetAsync()).Health + "/" +
                        await cluster.GetGrain<IIncidentDeskGrain>($"terminal:{t.Id}:offline").OpenIncidentAsync()))))),
                w => w.Item1.GetProperty("held").ValueKind == JsonValueKind.Object && w.Item1.GetProperty("held").GetProperty("held").GetInt32() == Fleet,
                TimeSpan.FromSeconds(60), "every terminal held under the window");
            Assert.Equal([.. fleet.Select(t => t.Id).Order()],
                held.GetProperty("held").GetProperty("members").EnumerateArray().Select(m => m.Str("id")).Order());
            var listed = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/maintenance-windows");
            Assert.Equal(Fleet, listed.EnumerateArray().Single(w => w.Str("id") == id).GetProperty("held").GetInt32());
            var causes = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/inhibitions");
            Assert.Contains(causes.EnumerateArray(), c => c.GetProperty("cause").Str("id") == Inhibitions.MaintenanceCause(Guid.Parse(id)));

            const string OfRegion = "party_id = @party AND dedup_key NOT LIKE 'terminal:mw-north-%'";
            Assert.Equal(0, await ScalarAsync(deployment.ConnectionString, $"SELECT count(*) FROM mc.incidents WHERE {OfRegion}", ("party", Party)));
            Assert.Equal(0, await ScalarAsync(deployment.ConnectionString,
                "SELECT count(*) FROM mc.notifications n WHERE n.party_id = @party AND NOT EXISTS " +
                "(SELECT 1 FROM mc.incidents i WHERE i.id = n.incident_id AND i.dedup_key LIKE 'terminal:mw-north-%')", ("party", Party)));
            Assert.Null(await cluster.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", Party, Region)).CurrentIncidentAsync());

            // The work is done early: the operator ends the window, and the terminals still out page once, together.
            var cancelled = await operatorClient.PostAsJsonAsync($"/api/v1/maintenance-windows/{id}/cancel", new { });
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            var incidentId = await Eventually.WaitAsync(cluster.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", Party, Region)).CurrentIncidentAsync,
                i => i is not null, TimeSpan.FromSeconds(30), "the released group's incident");
            var incident = await Eventually.WaitAsync(() => cluster.GetGrain<IIncidentGrain>(incidentId!).GetAsync(),
                s => s?.Group is { Active: Fleet }, TimeSpan.FromSeconds(60), "every held terminal on the one incident");
            Assert.Equal([.. fleet.Select(t => t.Id).Order()], incident!.Group!.Members.Select(m => m.Id).Order());

            await Eventually.WaitAsync(() => ScalarAsync(deployment.ConnectionString, $"SELECT count(*) FROM mc.incidents WHERE {OfRegion}", ("party", Party)),
                n => n == 1, TimeSpan.FromSeconds(30), "one incident in the read model");
            var pages = await Eventually.WaitAsync(() => ScalarAsync(deployment.ConnectionString,
                "SELECT count(*) FROM mc.notifications WHERE incident_id = @id AND kind = 'incident.reported'", ("id", incidentId!)),
                n => n >= 3, TimeSpan.FromSeconds(30), "the report's notifications");
            Assert.Equal(3, pages);
            Assert.Equal(1, await ScalarAsync(deployment.ConnectionString,
                "SELECT count(DISTINCT incident_id) FROM mc.notifications n WHERE n.party_id = @party AND n.incident_id IS NOT NULL AND NOT EXISTS " +
                "(SELECT 1 FROM mc.incidents i WHERE i.id = n.incident_id AND i.dedup_key LIKE 'terminal:mw-north-%')", ("party", Party)));

            // The window's journal and read table followed every move.
            Assert.Equal(3, await ScalarAsync(deployment.ConnectionString, "SELECT count(*) FROM mc.maintenance_window_events WHERE window_id = @id::uuid", ("id", id)));
            Assert.Equal(1, await ScalarAsync(deployment.ConnectionString,
                "SELECT count(*) FROM mc.maintenance_windows WHERE id = @id::uuid AND stage = 'Cancelled' AND ended_at IS NOT NULL", ("id", id)));
        }
        finally
        {
            foreach (var terminal in fleet.Concat(witnesses))
            {
                await terminal.DisposeAsync();
            }
        }
    }

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
}
