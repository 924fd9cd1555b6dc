using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>Emergency plans (approval gating, versions), drills and promotion campaigns through the HTTP API on real PostgreSQL.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class OperationsPlansTests(IntegrationFixture fixture)
{
    private static object Content(string firstStep = "通知值班负责人，启动预案") => new
    {
        organisation = new[]
        {
            new { role = "总指挥", person = "王主任", duties = "决定启动与终止响应", contact = (string?)"值班电话" },
            new { role = "技术组", person = "李工", duties = "定位与恢复", contact = (string?)null },
        },
        resources = new[] { new { name = "备用发布服务器", kind = "设备", quantity = "2 台", location = "二号机房", custodian = "李工" } },
        risks = new[]
        {
            new { name = "发布系统宕机", description = "主服务器故障", likelihood = 2, impact = 5, mitigation = "主备切换" },
            new { name = "错误内容发布", description = "审核遗漏", likelihood = 3, impact = 4, mitigation = "三审三校" },
        },
        prevention = new[] { new { measure = "每日巡视", owner = "运维", frequency = "每日" } },
        responseSteps = new[]
        {
            new { order = (int?)null, action = firstStep, owner = "值班员", timeLimitMinutes = 5 },
            new { order = (int?)null, action = "切换到备用服务器", owner = "技术组", timeLimitMinutes = 15 },
            new { order = (int?)null, action = "发布情况说明", owner = "总指挥", timeLimitMinutes = 60 },
        },
        fallback = new[] { new { arrangement = "暂停对外服务并发布公告", trigger = "30 分钟内无法恢复", owner = "总指挥" } },
    };

    private static async Task<JsonElement> ApprovedPlanAsync(OpsPeople people, string title)
    {
        var plan = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/plans", new { title, scenario = "发布系统故障", content = Content() },
            HttpStatusCode.Created);
        var id = plan.GetProperty("plan").Str("id");
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/submit", null, HttpStatusCode.OK);
        return await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { }, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_plan_is_effective_only_once_management_approves_it_and_a_new_draft_waits_for_its_own_approval()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "opp");

        // A draft with only some sections.
        var created = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/plans", new
        {
            title = "发布系统故障应急预案",
            scenario = "发布系统故障",
            content = new { organisation = new[] { new { role = "总指挥", person = "王主任", duties = "决定启动与终止响应" } } },
        }, HttpStatusCode.Created);
        var plan = created.GetProperty("plan");
        var id = plan.Str("id");
        Assert.Equal((people.PartyA, 1, "Draft", 1L), (plan.Str("partyId"), plan.GetProperty("latestVersion").GetInt32(), plan.Str("latestState"),
            plan.GetProperty("revision").GetInt64()));
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("effectiveVersion").ValueKind);

        var notEffective = await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.Conflict);
        Assert.Equal(("NotEffective", "Draft"), (notEffective.Str("code"), notEffective.Str("currentState")));

        // Incomplete plans cannot be submitted: 422 names what is missing.
        var incomplete = await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/submit", null, HttpStatusCode.UnprocessableEntity);
        var missing = incomplete.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(missing, m => m.StartsWith("responseSteps", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("fallback", StringComparison.Ordinal));
        Assert.DoesNotContain(missing, m => m.StartsWith("organisation", StringComparison.Ordinal));

        // Content is checked: likelihood and impact are 1–5.
        await people.Member.MustAsync(HttpMethod.Put, $"/api/v1/plans/{id}/draft", new
        {
            revision = 1,
            content = new { risks = new[] { new { name = "x", likelihood = 9, impact = 1 } } },
        }, HttpStatusCode.UnprocessableEntity);

        var saved = await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/v1/plans/{id}/draft", new { revision = 1, content = Content() }, HttpStatusCode.OK);
        Assert.Equal((1, 2L), (saved.GetProperty("plan").GetProperty("latestVersion").GetInt32(), saved.GetProperty("plan").GetProperty("revision").GetInt64()));
        var risk = saved.GetProperty("latestContent").GetProperty("risks")[0];
        Assert.Equal((10, "Medium"), (risk.GetProperty("score").GetInt32(), risk.Str("level")));
        Assert.Equal([1, 2, 3], saved.GetProperty("latestContent").GetProperty("responseSteps").EnumerateArray().Select(s => s.GetProperty("order").GetInt32()));

        // Nobody overwrites another's edit silently.
        var stale = await people.Member.MustAsync(HttpMethod.Put, $"/api/v1/plans/{id}/draft", new { revision = 1, content = Content() }, HttpStatusCode.Conflict);
        Assert.Equal(("VersionConflict", 2), (stale.Str("code"), stale.GetProperty("revision").GetInt32()));

        var submitted = await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/submit", null, HttpStatusCode.OK);
        Assert.Equal("Submitted", submitted.GetProperty("plan").Str("latestState"));
        Assert.Equal(["Approve", "Return"], submitted.GetProperty("allowedMoves").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.Equal("Submitted", (await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.Conflict))
            .Str("currentState"));
        var locked = await people.Member.MustAsync(HttpMethod.Put, $"/api/v1/plans/{id}/draft", new { revision = 3, content = Content() }, HttpStatusCode.Conflict);
        Assert.Equal(("IllegalMove", "Submitted"), (locked.Str("code"), locked.Str("currentState")));

        // Only management decides; another party does not even see the plan.
        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await people.PartyAdmin.StatusAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Operator.StatusAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Auditor.StatusAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { }));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { }));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/plans/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective"));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Put, $"/api/v1/plans/{id}/draft", new { revision = 3 }));

        // Management returns it with a reason: back to draft, still not effective.
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/return", new { }, HttpStatusCode.UnprocessableEntity);
        var returned = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/return", new { reason = "兜底安排不具体" }, HttpStatusCode.OK);
        Assert.Equal("Draft", returned.GetProperty("plan").Str("latestState"));
        Assert.Equal("兜底安排不具体", returned.GetProperty("versions")[0].Str("returnReason"));
        await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.Conflict);

        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/submit", null, HttpStatusCode.OK);
        var approveKey = "approve-" + id;
        var approved = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { version = 1 }, HttpStatusCode.OK, approveKey);
        Assert.Equal((1, "Approved"), (approved.GetProperty("plan").GetProperty("effectiveVersion").GetInt32(), approved.GetProperty("plan").Str("latestState")));
        var effective = await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.OK);
        Assert.Equal((1, "opp-mgmt", "发布系统故障应急预案"), (effective.GetProperty("version").GetInt32(), effective.Str("approvedBy"), effective.Str("title")));
        Assert.Equal("通知值班负责人，启动预案", effective.GetProperty("content").GetProperty("responseSteps")[0].Str("action"));

        // A repeat of the same request answers the same and applies nothing.
        using (var repeat = await people.Management.CallAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { version = 1 }, approveKey))
        {
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
            Assert.True(repeat.Headers.Contains("Idempotent-Replay"));
            Assert.Equal(approved.GetProperty("plan").GetProperty("revision").GetInt64(),
                (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("plan").GetProperty("revision").GetInt64());
        }

        // Editing the approved plan starts version 2; version 1 stays in force until version 2 is approved.
        var revision = approved.GetProperty("plan").GetProperty("revision").GetInt64();
        var redraft = await people.Member.MustAsync(HttpMethod.Put, $"/api/v1/plans/{id}/draft",
            new { revision, title = "发布系统故障应急预案（2027 修订）", content = Content("通知值班负责人和管理方，启动预案") }, HttpStatusCode.OK);
        Assert.Equal((2, "Draft", 1), (redraft.GetProperty("plan").GetProperty("latestVersion").GetInt32(), redraft.GetProperty("plan").Str("latestState"),
            redraft.GetProperty("plan").GetProperty("effectiveVersion").GetInt32()));
        Assert.Equal(1, (await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.OK)).GetProperty("version").GetInt32());
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/submit", null, HttpStatusCode.OK);
        var stillOne = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.OK);
        Assert.Equal((1, "发布系统故障应急预案"), (stillOne.GetProperty("version").GetInt32(), stillOne.Str("title")));

        // Approving names the version seen: a stale one is refused.
        var wrongVersion = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { version = 1 }, HttpStatusCode.Conflict);
        Assert.Equal("VersionConflict", wrongVersion.Str("code"));
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{id}/approve", new { version = 2 }, HttpStatusCode.OK);
        var two = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/effective", null, HttpStatusCode.OK);
        Assert.Equal((2, "发布系统故障应急预案（2027 修订）"), (two.GetProperty("version").GetInt32(), two.Str("title")));

        // Every version is kept, the old one superseded and unchanged.
        var detail = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}", null, HttpStatusCode.OK);
        Assert.Equal(["Approved", "Superseded"], detail.GetProperty("versions").EnumerateArray().Select(v => v.Str("state")).ToArray());
        var first = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/plans/{id}/versions/1", null, HttpStatusCode.OK);
        Assert.Equal(("Superseded", "通知值班负责人，启动预案"), (first.GetProperty("info").Str("state"),
            first.GetProperty("content").GetProperty("responseSteps")[0].Str("action")));

        // Lists: the party and platform staff see it, another party and auditors do not.
        Assert.Contains((await people.Operator.GetFromJsonAsync<JsonElement>("/api/v1/plans")).EnumerateArray(), p => p.Str("id") == id);
        Assert.Contains((await people.Member.GetFromJsonAsync<JsonElement>("/api/v1/plans")).EnumerateArray(), p => p.Str("id") == id);
        Assert.DoesNotContain((await people.OtherParty.GetFromJsonAsync<JsonElement>("/api/v1/plans")).EnumerateArray(), p => p.Str("id") == id);
        Assert.Equal(HttpStatusCode.Forbidden, await people.Auditor.StatusAsync(HttpMethod.Get, "/api/v1/plans"));

        // Management approves and does not write; the operator writes, but only naming the party the plan is for.
        Assert.Equal(HttpStatusCode.Forbidden, await people.Management.StatusAsync(HttpMethod.Post, "/api/v1/plans", new { title = "管理方不写预案" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await people.Operator.StatusAsync(HttpMethod.Post, "/api/v1/plans", new { title = "未指明接入方" }));
    }

    [Fact]
    public async Task Drills_are_scheduled_then_recorded_once_with_participants_findings_and_the_plan_version_in_force()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "opd");
        var plan = await ApprovedPlanAsync(people, "网络安全事件应急预案");
        var planId = plan.GetProperty("plan").Str("id");

        var at = DateTimeOffset.UtcNow.AddMinutes(-90);
        var drill = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/drills", new { planId, scenario = "主发布服务器断电", scheduledAt = at },
            HttpStatusCode.Created);
        var id = drill.Str("id");
        Assert.Equal(("Scheduled", planId, people.PartyA), (drill.Str("state"), drill.Str("planId"), drill.Str("partyId")));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Operator.StatusAsync(HttpMethod.Post, "/api/v1/drills", new { planId, scenario = "x", scheduledAt = at }));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Post, "/api/v1/drills", new { planId, scenario = "x", scheduledAt = at }));

        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/drills/{id}/record",
            new { startedAt = at, endedAt = at.AddMinutes(40), participants = Array.Empty<object>() }, HttpStatusCode.UnprocessableEntity);
        var recorded = await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/drills/{id}/record", new
        {
            startedAt = at,
            endedAt = at.AddMinutes(40),
            participants = new[] { new { name = "王主任", role = "总指挥", organisation = people.PartyA }, new { name = "李工", role = "技术组", organisation = "运营方" } },
            findings = new[] { "切换耗时 12 分钟，超出预期", "备用服务器证书过期" },
            followUps = new[] { new { action = "更新备用服务器证书", owner = "李工", dueOn = "2027-01-15" } },
            summary = "演练基本达到预期",
        }, HttpStatusCode.OK);
        Assert.Equal(("Completed", 1, 2), (recorded.Str("state"), recorded.GetProperty("planVersion").GetInt32(), recorded.GetProperty("participants").GetArrayLength()));
        Assert.Equal("备用服务器证书过期", recorded.GetProperty("findings")[1].GetString());
        Assert.Equal("2027-01-15", recorded.GetProperty("followUps")[0].Str("dueOn"));

        // Recorded once; a completed drill cannot be cancelled.
        Assert.Equal("IllegalMove", (await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/drills/{id}/record", new
        {
            startedAt = at,
            endedAt = at.AddMinutes(40),
            participants = new[] { new { name = "又一次" } },
        }, HttpStatusCode.Conflict)).Str("code"));
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/drills/{id}/cancel", new { reason = "x" }, HttpStatusCode.Conflict);

        var read = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/drills/{id}", null, HttpStatusCode.OK);
        Assert.Equal("opd-padmin", read.Str("recordedBy"));
        Assert.Contains((await people.Operator.GetFromJsonAsync<JsonElement>($"/api/v1/drills?planId={planId}")).EnumerateArray(), d => d.Str("id") == id);
        Assert.Empty((await people.OtherParty.GetFromJsonAsync<JsonElement>($"/api/v1/drills?planId={planId}")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/drills/{id}"));

        var later = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/drills",
            new { planId, scenario = "内容安全事件", scheduledAt = DateTimeOffset.UtcNow.AddDays(30) }, HttpStatusCode.Created);
        var cancelled = await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/drills/{later.Str("id")}/cancel", new { reason = "与重大活动冲突" },
            HttpStatusCode.OK);
        Assert.Equal(("Cancelled", "与重大活动冲突"), (cancelled.Str("state"), cancelled.Str("cancelReason")));
    }

    [Fact]
    public async Task Campaigns_are_registered_by_their_party_supported_by_operators_and_listed_by_dates()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "opc");

        var national = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/campaigns", new
        {
            title = "国庆假期文旅推广",
            kind = "Holiday",
            startsOn = "2027-10-01",
            endsOn = "2027-10-07",
            description = "首页专题与开屏",
        }, HttpStatusCode.Created);
        var id = national.Str("id");
        Assert.Equal(("Pending", "Holiday", "2027-10-01"), (national.Str("support"), national.Str("kind"), national.Str("startsOn")));
        var spring = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/campaigns",
            new { title = "春耕专题", kind = "Topical", startsOn = "2027-03-01", endsOn = "2027-03-31" }, HttpStatusCode.Created);

        await people.Member.MustAsync(HttpMethod.Post, "/api/v1/campaigns",
            new { title = "倒序", kind = "Topical", startsOn = "2027-03-31", endsOn = "2027-03-01" }, HttpStatusCode.UnprocessableEntity);
        await people.Member.MustAsync(HttpMethod.Post, "/api/v1/campaigns",
            new { title = "无类型", startsOn = "2027-03-01", endsOn = "2027-03-02" }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Forbidden, await people.Operator.StatusAsync(HttpMethod.Post, "/api/v1/campaigns",
            new { title = "运营方", kind = "Topical", startsOn = "2027-03-01", endsOn = "2027-03-02" }));

        // Only operators mark support.
        Assert.Equal(HttpStatusCode.Forbidden, await people.PartyAdmin.StatusAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}/support", new { supported = true }));
        Assert.Equal(HttpStatusCode.Forbidden, await people.Management.StatusAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}/support", new { supported = true }));
        var supported = await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{id}/support",
            new { supported = true, note = "开屏资源已排期" }, HttpStatusCode.OK);
        Assert.Equal(("Supported", "开屏资源已排期", "opc-op"), (supported.Str("support"), supported.Str("supportNote"), supported.Str("supportedBy")));
        var declined = await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{spring.Str("id")}/support", new { supported = false, note = "资源不足" },
            HttpStatusCode.OK);
        Assert.Equal("Declined", declined.Str("support"));

        // The ops board's list by date range: October shows the holiday campaign only.
        var october = await people.Operator.GetFromJsonAsync<JsonElement>("/api/v1/campaigns?from=2027-10-01&to=2027-10-31");
        Assert.Contains(october.EnumerateArray(), c => c.Str("id") == id && c.Str("support") == "Supported");
        Assert.DoesNotContain(october.EnumerateArray(), c => c.Str("id") == spring.Str("id"));
        var year = await people.Management.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns?from=2027-01-01&to=2027-12-31&partyId={people.PartyA}");
        Assert.Equal([spring.Str("id"), id], year.EnumerateArray().Select(c => c.Str("id")).ToArray());
        Assert.DoesNotContain((await people.OtherParty.GetFromJsonAsync<JsonElement>("/api/v1/campaigns?from=2027-01-01&to=2027-12-31"))
            .EnumerateArray(), c => c.Str("partyId") == people.PartyA);
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/campaigns/{id}"));
    }
    [Fact]
    public async Task An_incident_cites_only_the_effective_version_of_a_plan_of_its_party()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "opi");
        var draft = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/plans", new { title = "未批准的预案", scenario = "终端离线", content = Content() },
            HttpStatusCode.Created);
        var approved = await ApprovedPlanAsync(people, "终端离线应急预案");
        var incident = await people.Member.MustAsync(HttpMethod.Post, "/api/v1/incidents",
            new { title = "大屏离线", detail = "东区三块大屏离线", severity = "P2" }, HttpStatusCode.Created);
        var id = incident.Str("id");

        // A plan nobody approved is not in force: it cannot be cited.
        Assert.Equal(HttpStatusCode.BadRequest, await people.Operator.StatusAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/cite-plan",
            new { planId = draft.GetProperty("plan").Str("id") }));
        var cited = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/cite-plan",
            new { planId = approved.GetProperty("plan").Str("id"), planVersion = 99 }, HttpStatusCode.OK);
        Assert.Equal(approved.GetProperty("plan").Str("id"), cited.Str("planId"));
        Assert.Equal(1, cited.GetProperty("planVersion").GetInt32());
    }
}
