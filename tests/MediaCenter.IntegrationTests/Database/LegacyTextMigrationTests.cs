using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Database;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Incidents;
using MediaCenter.IntegrationTests.Newsroom;
using MediaCenter.Messages;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>
/// Migration 0045: texts stored as "中文 / English" before the catalogue existed become the catalogue messages the grains
/// store today, in the read tables and in the incident's grain state, so they read in one language and stay so.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class LegacyTextMigrationTests(IntegrationFixture fixture)
{
    private const string Placeholder = "旧数据占位标题";
    private const string LegacyTitle = "终端离线：模拟终端 sim-0001（sim-0001）/ terminal offline";
    private const string LegacyEscalation = "未确认已升级至第 2 级 / unacknowledged, escalated to level 2: P2 " + LegacyTitle;
    private const string LegacySuspension = "频道 lbt-home 暂停对外服务 / channel lbt-home suspended: 大屏黑屏";
    private const string LegacyRecovery = "终端已恢复在线 / the terminal is back: heartbeat";
    private const string PeoplesOwnText = "演播厅 A / B 区大屏";

    [Fact]
    public async Task Bilingual_incident_and_notification_texts_become_catalogue_messages_that_read_in_one_language_and_stay_so()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("lbt-1");
        var web = await deployment.StartWebAsync();
        await deployment.Identity.PlatformUserAsync("lbt-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "lbt-admin");
        var id = (await admin.ReportAsync(new { title = Placeholder, detail = PeoplesOwnText, severity = "P2" })).Str("id");
        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));

        // The incident as an earlier version stored it: its title bilingual in the read row, the snapshot and the grain's
        // state, with bilingual notifications beside it; and a text of people's own with " / " in it that must stay.
        await using var db = NpgsqlDataSource.Create(deployment.ConnectionString);
        Assert.Equal(1, await MigrationSql.ExecuteAsync(db, """
            UPDATE mc.incidents SET title = replace(title, @placeholder, @legacy), snapshot = replace(snapshot::text, @placeholder, @legacy)::jsonb
             WHERE id = @id
            """, ("placeholder", Placeholder), ("legacy", LegacyTitle), ("id", id)));
        Assert.Equal(1, await MigrationSql.ExecuteAsync(db, """
            UPDATE orleansstorage SET payloadbinary = convert_to(replace(convert_from(payloadbinary, 'UTF8'), @placeholder, @legacy), 'UTF8')
             WHERE position(convert_to(@placeholder, 'UTF8') IN payloadbinary) > 0
            """, ("placeholder", Placeholder), ("legacy", LegacyTitle)));
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.notifications (id, audience, kind, incident_id, party_id, severity, title, body, created_at) VALUES
                (@id || ':old:1', 'ops', 'incident.escalated', @id, NULL, 'P2', @title, @escalation, now()),
                (@id || ':old:2', 'management', 'incident.suspended', @id, NULL, 'P2', @title, @suspension, now()),
                (@id || ':old:3', 'ops', 'incident.resolved', @id, NULL, 'P2', @title, @recovery, now()),
                (@id || ':old:4', 'ops', 'incident.reported', @id, NULL, 'P2', @own, @own, now())
            """, ("id", id), ("title", LegacyTitle), ("escalation", LegacyEscalation), ("suspension", LegacySuspension), ("recovery", LegacyRecovery),
            ("own", PeoplesOwnText));

        await RunMigrationAsync(db);

        var title = Msg.Of("terminal.offlineTitle", ("name", "模拟终端 sim-0001"), ("id", "sim-0001")).ToString();
        Assert.Equal(title, await MigrationSql.ScalarAsync<string>(db, "SELECT title FROM mc.incidents WHERE id = @id", ("id", id)));
        Assert.Equal(title, await MigrationSql.ScalarAsync<string>(db, "SELECT snapshot ->> 'title' FROM mc.incidents WHERE id = @id", ("id", id)));
        Assert.Equal(Msg.Of("incident.notice.escalated", ("level", 2), ("severity", "P2"), ("title", title)).ToString(),
            await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = @id || ':old:1'", ("id", id)));
        Assert.Equal(Msg.Of("incident.notice.suspended", ("channel", "lbt-home"), ("reason", "大屏黑屏")).ToString(),
            await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = @id || ':old:2'", ("id", id)));
        Assert.Equal(Msg.Of("terminal.backOnline", ("reason", Msg.List([Msg.Of("terminal.reason.heartbeat")]))).ToString(),
            await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = @id || ':old:3'", ("id", id)));
        Assert.Equal(PeoplesOwnText, await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = @id || ':old:4'", ("id", id)));
        Assert.Equal(0, await MigrationSql.ScalarAsync<long>(db, """
            SELECT count(*) FROM orleansstorage WHERE position(convert_to(' / terminal offline', 'UTF8') IN payloadbinary) > 0
            """));

        // Read in either language, with nothing of the other; the grain reads its rewritten state back and writes it on.
        await deployment.StartSiloAsync("lbt-2");
        var english = await Eventually.WaitAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}?lang=en"), _ => true,
            TimeSpan.FromSeconds(60), "the incident from the restarted silo");
        Assert.Equal("Terminal offline: 模拟终端 sim-0001 (sim-0001)", english.Str("title"));
        var chinese = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}?lang=zh-CN");
        Assert.Equal("终端离线：模拟终端 sim-0001（sim-0001）", chinese.Str("title"));
        var notices = await admin.GetFromJsonAsync<JsonElement>("/api/v1/notifications?limit=50&lang=en");
        var bodies = notices.EnumerateArray().Where(n => n.Str("incidentId") == id).Select(n => n.Str("body")).ToList();
        Assert.Contains("Unacknowledged, escalated to level 2: P2 Terminal offline: 模拟终端 sim-0001 (sim-0001)", bodies);
        Assert.Contains("The terminal is back: heartbeat", bodies);
        Assert.DoesNotContain(bodies, b => b.Contains("terminal offline", StringComparison.Ordinal) || b.Contains("escalated to level 2: P2 终端", StringComparison.Ordinal));

        using var acknowledge = await admin.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/acknowledge", new { }, Guid.NewGuid().ToString());
        Assert.True(acknowledge.IsSuccessStatusCode, await acknowledge.Content.ReadAsStringAsync());
        Assert.Equal(title, await MigrationSql.ScalarAsync<string>(db, "SELECT title FROM mc.incidents WHERE id = @id AND stage = 'Acknowledged'", ("id", id)));

        // Once rewritten, nothing is left for it to do.
        var before = await MigrationSql.ScalarAsync<string>(db, "SELECT string_agg(id || title || body, '|' ORDER BY id) FROM mc.notifications");
        await RunMigrationAsync(db);
        Assert.Equal(before, await MigrationSql.ScalarAsync<string>(db, "SELECT string_agg(id || title || body, '|' ORDER BY id) FROM mc.notifications"));
    }

    private static Task RunMigrationAsync(NpgsqlDataSource db) => MigrationSql.RunAsync(db, 45);
}
