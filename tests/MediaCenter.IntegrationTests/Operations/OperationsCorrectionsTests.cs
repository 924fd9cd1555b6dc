using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>
/// The corrections of issue 14 to plans, drills, campaigns and hot events, through the HTTP API on real PostgreSQL,
/// and plans, drills and campaigns living in grains: the read tables follow them, and rows written before the upgrade
/// keep working.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class OperationsCorrectionsTests(IntegrationFixture fixture)
{
    internal static object Content(int? drillEveryDays = null) => new
    {
        organisation = new[] { new { role = "总指挥", person = "王主任", duties = "决定启动与终止响应", contact = "值班电话" } },
        resources = new[] { new { name = "备用发布服务器", kind = "设备", quantity = "2 台", location = "二号机房", custodian = "李工" } },
        risks = new[] { new { name = "发布系统宕机", description = "主服务器故障", likelihood = 2, impact = 5, mitigation = "主备切换" } },
        prevention = new[] { new { measure = "每日巡视", owner = "运维", frequency = "每日" } },
        responseSteps = new[] { new { action = "通知值班负责人，启动预案", owner = "值班员", timeLimitMinutes = 5 } },
        fallback = new[] { new { arrangement = "暂停对外服务并发布公告", trigger = "30 分钟内无法恢复", owner = "总指挥" } },
        drillEveryDays,
    };

    [Fact]
    public async Task The_operator_writes_an_emergency_plan_for_a_party_and_management_approves_it()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "oca");

        await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/plans", new { partyId = "no-such-party", title = "预案", scenario = "场景" },
            HttpStatusCode.UnprocessableEntity);
        var created = await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/plans",
            new { partyId = people.PartyA, title = "全平台断电应急预案", scenario = "机房断电", content = Content() }, HttpStatusCode.Created);
        var id = created.GetProperty("plan").Str("id");
        Assert.Equal((people.PartyA, "oca-op", "Draft"), (created.GetProperty("plan").Str("partyId"), created.GetProperty("plan").Str("createdBy"),
            created.GetProperty("plan").Str("latestState")));

        // The party sees the plan written for it; another party does not.
        Assert.Contains((await people.Member.GetFromJsonAsync<JsonElement>("/api/v1/plans")).EnumerateArray(), p => p.Str("id") == id);
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/plans/{id}"));

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/submit", null, HttpStatusCode.OK);
        var own = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { }, HttpStatusCode.Forbidden);
        Assert.Equal("Forbidden", own.Str("code"));
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { version = 1 }, HttpStatusCode.OK);
        var effective = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.OK);
        Assert.Equal((1, "oca-mgmt"), (effective.GetProperty("version").GetInt32(), effective.Str("approvedBy")));

        // The read tables and the event log follow the grain.
        await using var db = await OpenAsync(shared);
        await using var log = new NpgsqlCommand("SELECT string_agg(event_type, ',' ORDER BY version) FROM mc.event_log WHERE entity_type = 'plan' AND entity_id = @id", db);
        log.Parameters.AddWithValue("id", id);
        Assert.Equal("Create,Submit,Approve", await log.ExecuteScalarAsync());
        await using var row = new NpgsqlCommand("SELECT effective_version, revision FROM mc.plans WHERE id = @id", db);
        row.Parameters.AddWithValue("id", id);
        await using var reader = await row.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((1, 3L), (reader.GetInt32(0), reader.GetInt64(1)));
    }

    [Fact]
    public async Task A_plan_drilled_less_often_than_its_cadence_is_flagged_overdue_until_a_drill_is_held()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "occ");
        var created = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/plans", new { title = "消防应急预案", scenario = "火灾", content = Content(30) },
            HttpStatusCode.Created);
        var planId = created.GetProperty("plan").Str("id");
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/plans/{planId}/submit", null, HttpStatusCode.OK);
        var approved = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{planId}/approve", new { }, HttpStatusCode.OK);

        // Just approved: the first drill is due 30 days on.
        var status = approved.GetProperty("drillStatus");
        Assert.Equal((30, false), (status.GetProperty("everyDays").GetInt32(), status.GetProperty("overdue").GetBoolean()));
        Assert.Equal(30, approved.GetProperty("plan").GetProperty("drillEveryDays").GetInt32());

        // The last drill held was 40 days ago: the next one was due 10 days ago.
        var longAgo = DateTimeOffset.UtcNow.AddDays(-40);
        var old = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/drills", new { planId, scenario = "疏散", scheduledAt = longAgo }, HttpStatusCode.Created);
        Assert.True(old.GetProperty("overdue").GetBoolean());
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/drills/{old.Str("id")}/record",
            new { startedAt = longAgo, endedAt = longAgo.AddHours(1), participants = new[] { new { name = "王主任" } } }, HttpStatusCode.OK);
        var overdue = await people.Operator.GetFromJsonAsync<JsonElement>("/api/v1/plans?drillOverdue=true");
        var plan = Assert.Single(overdue.EnumerateArray(), p => p.Str("id") == planId);
        Assert.True(plan.GetProperty("drillOverdue").GetBoolean());
        Assert.True(plan.GetProperty("nextDrillDueAt").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddDays(-9));
        Assert.True((await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{planId}", null, HttpStatusCode.OK))
            .GetProperty("drillStatus").GetProperty("overdue").GetBoolean());

        // A drill scheduled an hour ago and not held is overdue itself; holding it clears both flags.
        var due = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/drills",
            new { planId, scenario = "夜间疏散", scheduledAt = DateTimeOffset.UtcNow.AddHours(-1) }, HttpStatusCode.Created);
        Assert.Contains((await people.Member.GetFromJsonAsync<JsonElement>($"/api/v1/drills?planId={planId}&overdue=true")).EnumerateArray(),
            d => d.Str("id") == due.Str("id"));
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/drills/{due.Str("id")}/record", new
        {
            startedAt = DateTimeOffset.UtcNow.AddMinutes(-50),
            endedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
            participants = new[] { new { name = "李工" } },
        }, HttpStatusCode.OK);
        Assert.Empty((await people.Member.GetFromJsonAsync<JsonElement>($"/api/v1/drills?planId={planId}&overdue=true")).EnumerateArray());
        Assert.DoesNotContain((await people.Operator.GetFromJsonAsync<JsonElement>("/api/v1/plans?drillOverdue=true")).EnumerateArray(), p => p.Str("id") == planId);
        var after = (await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{planId}", null, HttpStatusCode.OK)).GetProperty("drillStatus");
        Assert.False(after.GetProperty("overdue").GetBoolean());
        Assert.True(after.GetProperty("nextDueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(29));
    }

    [Fact]
    public async Task A_campaign_is_edited_and_withdrawn_by_its_party_and_an_edit_needs_the_operators_decision_again()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "ocd");
        var campaign = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/campaigns",
            new { title = "中秋文化月", kind = "Holiday", startsOn = "2027-09-10", endsOn = "2027-09-20", description = "线上展播" }, HttpStatusCode.Created);
        var id = campaign.Str("id");
        await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}/support", new { supported = true, note = "首页推荐" }, HttpStatusCode.OK);

        // Only the party edits: the operator may not, another party does not see it.
        Assert.Equal(HttpStatusCode.Forbidden, await people.Operator.StatusAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}", new { title = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}", new { title = "x" }));
        await people.Member.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}", new { endsOn = "2027-09-01" }, HttpStatusCode.UnprocessableEntity);
        var edited = await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}", new { title = "中秋国庆文化月", endsOn = "2027-10-07" },
            HttpStatusCode.OK);
        Assert.Equal(("Pending", "Pending", "中秋国庆文化月", "2027-10-07", "线上展播"), (edited.Str("state"), edited.Str("support"), edited.Str("title"),
            edited.Str("endsOn"), edited.Str("description")));

        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/campaigns/{id}/withdraw", new { }, HttpStatusCode.UnprocessableEntity);
        var withdrawn = await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/campaigns/{id}/withdraw", new { reason = "活动取消" }, HttpStatusCode.OK);
        Assert.Equal(("Withdrawn", "活动取消"), (withdrawn.Str("state"), withdrawn.Str("withdrawReason")));
        var late = await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}/support", new { supported = true }, HttpStatusCode.Conflict);
        Assert.Equal(("IllegalMove", "Withdrawn"), (late.Str("code"), late.Str("currentState")));
        var listed = await people.Management.GetFromJsonAsync<JsonElement>("/api/v1/campaigns?from=2027-09-01&to=2027-10-31");
        Assert.Contains(listed.EnumerateArray(), c => c.Str("id") == id && c.Str("state") == "Withdrawn" && c.Str("title") == "中秋国庆文化月");
        var workflow = await people.Member.GetFromJsonAsync<JsonElement>("/api/v1/campaigns/workflow");
        Assert.Contains(workflow.EnumerateArray(), r => r.Str("command") == "Withdraw" && r.Str("who") == "Party");
    }

    [Fact]
    public async Task Registering_a_hot_event_notifies_management_once()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "ocb");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var title = "重大政策发布 " + suffix;
        var starts = DateTimeOffset.UtcNow.AddDays(2);
        var body = new { title, policy = "关于文化惠民的若干措施", startsAt = starts, endsAt = starts.AddHours(3), trafficMultiple = 5, qa = new[] { new { question = "问", answer = "答" } } };
        await people.Member.MustAsync(HttpMethod.Post, "/api/v1/hot-events", body, HttpStatusCode.Created, "register-" + suffix);
        await people.Member.MustAsync(HttpMethod.Post, "/api/v1/hot-events", body, HttpStatusCode.Created, "register-" + suffix);

        var notifications = await people.Management.GetFromJsonAsync<JsonElement>("/api/v1/notifications?limit=100");
        var notice = Assert.Single(notifications.EnumerateArray(), n => n.Str("kind") == "hotEventRegistered" && n.Str("title").Contains(title, StringComparison.Ordinal));
        Assert.Equal(("management", people.PartyA), (notice.Str("audience"), notice.Str("partyId")));
        Assert.Contains(title, notice.Str("body"), StringComparison.Ordinal);
        Assert.DoesNotContain((await people.OtherParty.GetFromJsonAsync<JsonElement>("/api/v1/notifications?limit=100")).EnumerateArray(),
            n => n.Str("kind") == "hotEventRegistered");
    }

    [Fact]
    public async Task A_plan_drill_and_campaign_written_before_the_upgrade_keep_working_in_their_grains()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "ocl");
        var (plan, drill, campaign) = ("plan-" + Guid.NewGuid().ToString("N")[..12], "drill-" + Guid.NewGuid().ToString("N")[..12],
            "camp-" + Guid.NewGuid().ToString("N")[..12]);

        // Rows as the web's own stores wrote them before migration 0013 (the columns it added take their defaults).
        await using (var db = await OpenAsync(shared))
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO mc.plans (id, party_id, title, scenario, latest_version, effective_version, revision, created_by, created_by_name, created_at, updated_at)
                VALUES (@plan, @party, '旧预案', '停电', 1, 1, 3, gen_random_uuid(), '李工', now() - interval '30 days', now() - interval '20 days');
                INSERT INTO mc.plan_versions (plan_id, version, state, title, scenario, content, created_by_name, created_at, edited_by_name, edited_at,
                    submitted_by_name, submitted_at, approved_by, approved_by_name, approved_at)
                VALUES (@plan, 1, 'Approved', '旧预案', '停电', @content::jsonb, '李工', now() - interval '30 days', '李工', now() - interval '30 days',
                    '李工', now() - interval '25 days', gen_random_uuid(), '王主任', now() - interval '20 days');
                INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload)
                VALUES ('plan', @plan, 1, 'Create', '李工', now(), '{}'), ('plan', @plan, 2, 'Submit', '李工', now(), '{}'),
                       ('plan', @plan, 3, 'Approve', '王主任', now(), '{}');
                INSERT INTO mc.drills (id, plan_id, party_id, scenario, scheduled_at, state, scheduled_by_name, created_at, updated_at, version)
                VALUES (@drill, @plan, @party, '断电演练', now() + interval '3 days', 'Scheduled', '李工', now(), now(), 1);
                INSERT INTO mc.campaigns (id, party_id, title, kind, starts_on, ends_on, description, support, registered_by, registered_by_name, registered_at,
                    updated_at, state, version)
                VALUES (@campaign, @party, '旧活动', 'Topical', '2027-05-01', '2027-05-07', '', 'Pending', gen_random_uuid(), '李工', now(), now(), 'Pending', 1);
                """, db);
            insert.Parameters.AddWithValue("plan", plan);
            insert.Parameters.AddWithValue("drill", drill);
            insert.Parameters.AddWithValue("campaign", campaign);
            insert.Parameters.AddWithValue("party", people.PartyA);
            insert.Parameters.AddWithValue("content", JsonSerializer.Serialize(Content(), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            await insert.ExecuteNonQueryAsync();
        }

        var read = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{plan}", null, HttpStatusCode.OK);
        Assert.Equal(("Approved", 3L, 1), (read.GetProperty("plan").Str("latestState"), read.GetProperty("plan").GetProperty("revision").GetInt64(),
            read.GetProperty("plan").GetProperty("effectiveVersion").GetInt32()));
        var redraft = await people.Member.MustAsync(HttpMethod.Put, $"/api/v1/plans/{plan}/draft", new { revision = 3, title = "旧预案（修订）" }, HttpStatusCode.OK);
        Assert.Equal((2, 4L, 1), (redraft.GetProperty("plan").GetProperty("latestVersion").GetInt32(), redraft.GetProperty("plan").GetProperty("revision").GetInt64(),
            redraft.GetProperty("plan").GetProperty("effectiveVersion").GetInt32()));
        Assert.Equal("旧预案", (await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{plan}/effective", null, HttpStatusCode.OK)).Str("title"));
        Assert.Contains((await people.Member.GetFromJsonAsync<JsonElement>("/api/v1/plans")).EnumerateArray(),
            p => p.Str("id") == plan && p.GetProperty("latestVersion").GetInt32() == 2 && p.Str("latestState") == "Draft");

        var recorded = await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/drills/{drill}/cancel", new { reason = "改期" }, HttpStatusCode.OK);
        Assert.Equal(("Cancelled", 2L), (recorded.Str("state"), recorded.GetProperty("version").GetInt64()));
        var supported = await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{campaign}/support", new { supported = true }, HttpStatusCode.OK);
        Assert.Equal(("Supported", 2L), (supported.Str("state"), supported.GetProperty("version").GetInt64()));

        await using var check = await OpenAsync(shared);
        await using var log = new NpgsqlCommand("SELECT string_agg(event_type, ',' ORDER BY version) FROM mc.event_log WHERE entity_type = 'plan' AND entity_id = @id", check);
        log.Parameters.AddWithValue("id", plan);
        Assert.Equal("Create,Submit,Approve,SaveDraft", await log.ExecuteScalarAsync());
        await using var drillRow = new NpgsqlCommand("SELECT state FROM mc.drills WHERE id = @id", check);
        drillRow.Parameters.AddWithValue("id", drill);
        Assert.Equal("Cancelled", await drillRow.ExecuteScalarAsync());
    }

    private static async Task<NpgsqlConnection> OpenAsync(SharedDeployment shared)
    {
        var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
