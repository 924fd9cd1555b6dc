using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Database;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Terminals;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Failures;
using MediaCenter.IntegrationTests.Newsroom;
using Npgsql;

namespace MediaCenter.IntegrationTests.Applications;

/// <summary>Applications (接入应用) on a real silo, web and PostgreSQL: the migration, suspension of a whole application, grouping by application.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ApplicationTests(IntegrationFixture fixture)
{
    private const int ApplicationsMigration = 28;

    [Fact]
    public async Task The_migration_gives_every_party_a_default_application_holding_its_channels_and_terminals()
    {
        var db = await fixture.Postgres.CreateDatabaseAsync("apps");
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            // The database as it stood before applications, with the migrator's history so that it applies only what follows.
            await Exec(connection, """
                CREATE TABLE IF NOT EXISTS public.mediacenter_schema_migrations
                (version integer NOT NULL PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """);
            foreach (var migration in Migration.All.Where(m => m.Version < ApplicationsMigration))
            {
                await Exec(connection, migration.Sql);
                await Exec(connection, $"INSERT INTO public.mediacenter_schema_migrations (version, name, checksum) VALUES ({migration.Version}, '{migration.Name}', '{migration.Checksum}')");
            }

            await Exec(connection, """
                INSERT INTO mc.access_parties (id, name) VALUES ('old-a', '老接入方甲'), ('old-b', '老接入方乙');
                INSERT INTO mc.channels (code, name, access_party_id) VALUES ('old-a-home', '甲·首页', 'old-a'), ('old-b-home', '乙·首页', 'old-b');
                INSERT INTO mc.terminals (id, party_id, name, kind, region, health, version) VALUES ('old-a-t1', 'old-a', '甲屏', 'Screen', '东区', 'Online', 1);
                """);
        }

        var report = await Migrator.MigrateAsync(db);

        Assert.Contains(report.Applied, m => m.Version == ApplicationsMigration);
        await using var check = new NpgsqlConnection(db);
        await check.OpenAsync();
        Assert.Equal(["old-a/default/老接入方甲/Active", "old-b/default/老接入方乙/Active"],
            await Strings(check, "SELECT party_id || '/' || code || '/' || name || '/' || state FROM mc.applications ORDER BY party_id"));
        Assert.Equal(["old-a-home/default", "old-b-home/default"], await Strings(check, "SELECT code || '/' || application_code FROM mc.channels ORDER BY code"));
        Assert.Equal(["old-a-t1/default"], await Strings(check, "SELECT id || '/' || application_code FROM mc.terminals"));

        // A channel can only belong to an application of its own party.
        var crossParty = await Assert.ThrowsAsync<PostgresException>(() =>
            Exec(check, "INSERT INTO mc.applications (party_id, code, name, kind, state, version, created_at, updated_at) VALUES ('old-b', 'app', 'x', 'App', 'Active', 1, now(), now()); " +
                "UPDATE mc.channels SET application_code = 'app' WHERE code = 'old-a-home'"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, crossParty.SqlState);
    }

    [Fact]
    public async Task Suspending_an_application_makes_its_channels_feeds_answer_503_and_resuming_restores_all_but_a_channel_suspended_on_its_own()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        var party = "apps-s-" + Guid.NewGuid().ToString("N")[..6];
        await identity.PartyAsync(party);
        await identity.PartyUserAsync(party + "-admin", party, PartyRoles.Admin);
        await identity.PlatformUserAsync(party + "-op", PlatformRoles.Operator);
        using var admin = await shared.SignInAsync(party + "-admin");
        using var op = await shared.SignInAsync(party + "-op");
        using var anonymous = shared.Anonymous();

        var created = await admin.SendAsync(HttpMethod.Post, "/api/v1/applications", new { code = "app", name = "客户端", kind = "App", owner = "王五" }, "a1");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (news, sports, other) = (party + "-news", party + "-sports", party + "-other");
        foreach (var (code, app) in new[] { (news, "app"), (sports, "app"), (other, (string?)null) })
        {
            var channel = await admin.PostAsJsonAsync("/api/channels", new { code, name = code, application = app });
            Assert.Equal(HttpStatusCode.Created, channel.StatusCode);
        }

        // The sports channel is suspended on its own (an incident, an operator) before its application is.
        Assert.Equal(HttpStatusCode.OK, (await op.SendAsync(HttpMethod.Put, $"/api/v1/channels/{sports}/suspension",
            new { suspended = true, reason = "内容整改" }, "own")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/feeds/{news}/pc.json")).StatusCode);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.SendAsync(HttpMethod.Post, $"/api/v1/applications/{party}.app/suspend", new { }, "s0")).StatusCode);
        var suspended = await admin.SendAsync(HttpMethod.Post, $"/api/v1/applications/{party}.app/suspend", new { reason = "安全检查" }, "s1");
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        var feed = await anonymous.GetAsync($"/feeds/{news}/pc.json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, feed.StatusCode);
        Assert.Contains("安全检查", await feed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync($"/feeds/{sports}/pc.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/feeds/{other}/pc.json")).StatusCode);

        var resumed = await admin.SendAsync(HttpMethod.Post, $"/api/v1/applications/{party}.app/resume", new { reason = "检查完毕" }, "r1");
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/feeds/{news}/pc.json")).StatusCode);
        var stillOwn = await anonymous.GetAsync($"/feeds/{sports}/pc.json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stillOwn.StatusCode);
        Assert.Contains("内容整改", await stillOwn.Content.ReadAsStringAsync());

        // Audited, and in the event log.
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{party}.app");
        Assert.Equal(["Create", "Suspend", "Resume"], detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("command").GetString()!).ToArray());
        Assert.Equal([news, sports], detail.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToArray());
        await Eventually.WaitAsync(() => Scalar(shared.Deployment.ConnectionString,
            $"SELECT count(*) FROM mc.audit_log WHERE target = 'application:{party}.app' AND result = 'ok' AND action IN " +
            "('POST /api/v1/applications/{id}/suspend', 'POST /api/v1/applications/{id}/resume')"), n => n == 2, TimeSpan.FromSeconds(10), "suspension and resumption audited");
        Assert.Equal(3L, await Scalar(shared.Deployment.ConnectionString,
            $"SELECT count(*) FROM mc.event_log WHERE entity_type = 'application' AND entity_id = '{party}.app'"));
    }

    [Fact]
    public async Task A_channel_moves_only_to_an_application_of_its_own_party()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        var (partyA, partyB) = ("apps-m-" + Guid.NewGuid().ToString("N")[..6], "apps-n-" + Guid.NewGuid().ToString("N")[..6]);
        await identity.PartyAsync(partyA);
        await identity.PartyAsync(partyB);
        await identity.PlatformUserAsync(partyA + "-op", PlatformRoles.Operator);
        using var op = await shared.SignInAsync(partyA + "-op");
        Assert.Equal(HttpStatusCode.Created, (await op.SendAsync(HttpMethod.Post, "/api/v1/applications", new { partyId = partyB, code = "wap", name = "乙 WAP", kind = "Wap" }, "b1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await op.SendAsync(HttpMethod.Post, "/api/v1/applications", new { partyId = partyA, code = "wap", name = "甲 WAP", kind = "Wap" }, "a1")).StatusCode);

        var refused = await op.SendAsync(HttpMethod.Put, $"/api/channels/{partyA}-home/application", new { application = partyB + ".wap" }, "m0");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("属于另一个接入方", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        var moved = await op.SendAsync(HttpMethod.Put, $"/api/channels/{partyA}-home/application", new { application = "wap" }, "m1");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("wap", (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationCode").GetString());
    }

    [Fact]
    public async Task Terminals_of_two_applications_in_one_region_going_offline_open_two_grouped_incidents()
    {
        const string Region = "东区";
        var party = "apps-g-" + Guid.NewGuid().ToString("N")[..6];
        var heartbeat = TimeSpan.FromSeconds(2);
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("apps-silo");
        var port = FreePorts.Next();
        await deployment.StartGatewayAsync("apps-gw", new Dictionary<string, string> { ["Mqtt__Port"] = port.ToString() });
        var web = await deployment.StartWebAsync("apps-web");
        var cluster = await deployment.ConnectClientAsync();
        await deployment.Identity.PartyAsync(party);
        await deployment.Identity.PartyUserAsync(party + "-admin", party, PartyRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, party + "-admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.SendAsync(HttpMethod.Post, "/api/v1/applications", new { code = "kiosk", name = "自助服务", kind = "Terminal" }, "k")).StatusCode);

        var terminals = new List<FieldTerminal>();
        async Task RegisterAsync(string id, string? application, string region)
        {
            var registered = await admin.SendAsync(HttpMethod.Post, "/api/terminals",
                new { id, name = "屏 " + id, kind = "Screen", region, application, heartbeatIntervalSeconds = 2, offlineTimeoutSeconds = 8 }, "reg-" + id);
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
            var mqtt = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mqtt");
            terminals.Add(new FieldTerminal(id, mqtt.GetProperty("password").GetString()!, port, heartbeat));
        }

        await RegisterAsync(party + "-d1", null, Region);
        await RegisterAsync(party + "-d2", null, Region);
        await RegisterAsync(party + "-k1", "kiosk", Region);
        await RegisterAsync(party + "-k2", "kiosk", Region);
        // A witness of another region keeps the gateway's deliveries going: the silence is the region's.
        await RegisterAsync(party + "-w", null, "北区");
        var dying = terminals.Take(4).ToList();
        try
        {
            terminals.ForEach(t => t.Start());
            await Eventually.WaitAsync(() => HealthAsync(cluster, terminals), h => h.All(x => x == TerminalHealth.Online), TimeSpan.FromSeconds(90), "all online");
            await Task.WhenAll(dying.Select(t => t.DieAsync()));

            var byDefault = cluster.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", party, "default", Region));
            var byKiosk = cluster.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", party, "kiosk", Region));
            var first = await Eventually.WaitAsync(byDefault.CurrentIncidentAsync, id => id is not null, TimeSpan.FromSeconds(90), "the default application's incident");
            var second = await Eventually.WaitAsync(byKiosk.CurrentIncidentAsync, id => id is not null, TimeSpan.FromSeconds(90), "the kiosk application's incident");
            Assert.NotEqual(first, second);

            var defaultIncident = await Eventually.WaitAsync(() => cluster.GetGrain<IIncidentGrain>(first!).GetAsync(), s => s?.Group?.Members.Count == 2,
                TimeSpan.FromSeconds(60), "both default terminals on one incident");
            var kioskIncident = await Eventually.WaitAsync(() => cluster.GetGrain<IIncidentGrain>(second!).GetAsync(), s => s?.Group?.Members.Count == 2,
                TimeSpan.FromSeconds(60), "both kiosk terminals on the other");
            Assert.Equal([party + "-d1", party + "-d2"], defaultIncident!.Group!.Members.Select(m => m.Id).Order());
            Assert.Equal([party + "-k1", party + "-k2"], kioskIncident!.Group!.Members.Select(m => m.Id).Order());
            Assert.Equal(("default", "kiosk"), (defaultIncident.Group.Application, kioskIncident.Group.Application));

            // The terminal measures of indicators follow the application: each counts its own terminals' alerts.
            foreach (var (application, members) in new[] { ("kiosk", new[] { party + "-k1", party + "-k2" }), ("default", new[] { party + "-d1", party + "-d2", party + "-w" }) })
            {
                var counted = await Scalar(deployment.ConnectionString,
                    $"SELECT count(*) FROM mc.event_log WHERE entity_type = 'terminal' AND entity_id IN ({string.Join(", ", members.Select(m => $"'{m}'"))})");
                var measures = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{party}.{application}/measures");
                Assert.True(counted >= 2, $"{application}: {counted} alerts");
                Assert.Equal(counted, (long)measures.GetProperty("measures").GetProperty("terminalAlerts").GetDouble());
            }

            // The incident list filters by application.
            var listed = await Eventually.WaitAsync(() => admin.GetFromJsonAsync<JsonElement>("/api/v1/incidents?application=kiosk"),
                l => l.GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the kiosk application's incidents");
            Assert.Equal(second, listed[0].GetProperty("id").GetString());

            // Each incident's events carry its group's application, so incidents count in that application's measures.
            Assert.Equal("kiosk", await Eventually.WaitAsync(() => Text(deployment.ConnectionString,
                $"SELECT payload ->> 'application' FROM mc.event_log WHERE entity_type = 'incident' AND entity_id = '{second}' AND event_type = 'incident.Report'"),
                a => a is not null, TimeSpan.FromSeconds(30), "the kiosk incident's report in the event log"));
            var kioskMeasures = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{party}.kiosk/measures");
            var defaultMeasures = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{party}.default/measures");
            Assert.Equal((1.0, 1.0), (kioskMeasures.GetProperty("measures").GetProperty("incidentsReported").GetDouble(),
                defaultMeasures.GetProperty("measures").GetProperty("incidentsReported").GetDouble()));
        }
        finally
        {
            foreach (var terminal in terminals)
            {
                await terminal.DisposeAsync();
            }
        }
    }

    private static async Task<List<TerminalHealth>> HealthAsync(IClusterClient cluster, IReadOnlyList<FieldTerminal> terminals) =>
        [.. await Task.WhenAll(terminals.Select(async t => (await cluster.GetGrain<ITerminalGrain>(t.Id).GetAsync()).Health))];

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> Strings(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task<string?> Text(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        return await command.ExecuteScalarAsync() as string;
    }

    private static async Task<long> Scalar(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
