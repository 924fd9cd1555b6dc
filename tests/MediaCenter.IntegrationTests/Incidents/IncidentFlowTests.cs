using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Grains.Incidents;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Newsroom;
using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>Incidents end to end on real processes: a stopped terminal opens one, it is handled to the party's read receipt; the HTTP rules.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class IncidentFlowTests(IntegrationFixture fixture)
{
    private static async Task<string> ApprovedStoryAsync(NewsroomStaff staff, string title)
    {
        var id = await staff.Editor.FileAsync(staff.Channel, title);
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddDays(1) });
        await staff.Editor.OkAsync(id, "save-draft", new
        {
            baseVersion = 0,
            draft = new { kind = "ImageText", title, summary = "摘要：" + title, bodyHtml = "<p>正文 " + title + "</p>" },
        });
        await staff.Editor.OkAsync(id, "submit");
        for (var level = 1; level <= 3; level++)
        {
            await staff.Reviewer(level).OkAsync(id, "approve", new { comment = "同意" });
        }

        return id;
    }

    /// <summary>Registers a terminal of the party, brings it online over the embedded broker, and stops it (the connection drops).</summary>
    private static async Task StopTerminalAsync(HttpClient registrar, TestProcess gateway, string id, string party)
    {
        var registered = await registrar.SendAsync(HttpMethod.Post, "/api/terminals",
            new { id, name = "大厅一号屏", kind = "Screen", region = "北区", partyId = party, heartbeatIntervalSeconds = 60 }, "register-" + id);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var secret = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mqtt").Str("password");

        var terminal = new MqttClientFactory().CreateMqttClient();
        await terminal.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", int.Parse(gateway["Mqtt__Port"]))
            .WithClientId(id).WithCredentials(id, secret).Build());
        await terminal.PublishStringAsync($"mc/t/{id}/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        await Eventually.WaitAsync(() => registrar.GetFromJsonAsync<JsonElement>($"/api/terminals/{id}"), t => t.Str("health") == "Online",
            TimeSpan.FromSeconds(10), "the terminal online");

        await terminal.DisconnectAsync();
        terminal.Dispose();
        await Eventually.WaitAsync(() => registrar.GetFromJsonAsync<JsonElement>($"/api/terminals/{id}"), t => t.Str("health") == "Offline",
            TimeSpan.FromSeconds(10), "the terminal offline");
    }

    private static string[] Commands(JsonElement incident) =>
        [.. incident.GetProperty("timeline").EnumerateArray().Select(e => e.Str("command"))];

    [Fact]
    public async Task A_terminals_incident_reads_in_Chinese_by_default_and_in_English_when_the_reader_asks_for_it()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        var gateway = await deployment.StartGatewayAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "ifl");
        await StopTerminalAsync(staff.Operator, gateway, "ifl-k1", "ifl");

        var listed = await Eventually.WaitAsync(() => staff.Operator.GetFromJsonAsync<JsonElement>("/api/v1/incidents"),
            l => l.EnumerateArray().Any(i => i.Str("dedupKey") == "terminal:ifl-k1:offline"), TimeSpan.FromSeconds(15), "the terminal's incident");
        var id = listed.EnumerateArray().Single(i => i.Str("dedupKey") == "terminal:ifl-k1:offline").Str("id");

        async Task<(string Title, string Detail, string Language)> ReadAsync(string? language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{id}");
            if (language is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(language);
            }

            using var response = await staff.Operator.SendAsync(request);
            var incident = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (incident.Str("title"), incident.Str("detail"), string.Join(",", response.Content.Headers.ContentLanguage));
        }

        // One sentence in one language, the terminal's name and id as the person registered them; never both languages.
        Assert.Equal(("终端离线：大厅一号屏（ifl-k1）", "北区 · 原因：连接断开", "zh-CN"), await ReadAsync(null));
        Assert.Equal(("Terminal offline: 大厅一号屏 (ifl-k1)", "北区 · reason: disconnected", "en"), await ReadAsync("en"));
    }

    [Fact]
    public async Task A_stopped_terminal_opens_an_incident_that_is_handled_through_suspension_to_feedback_the_party_reads()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        var gateway = await deployment.StartGatewayAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "ift");
        var operatorClient = staff.Operator;
        var party = staff.Outsider; // a member of the affected party with no newsroom role
        using var anonymous = new HttpClient { BaseAddress = web.Http };
        var story = await ApprovedStoryAsync(staff, "城市书房夜读季");

        await StopTerminalAsync(operatorClient, gateway, "ift-k1", "ift");

        // The incident opens by itself, and the party sees it and is told.
        var listed = await Eventually.WaitAsync(() => party.GetFromJsonAsync<JsonElement>("/api/v1/incidents"),
            l => l.EnumerateArray().Any(i => i.Str("dedupKey") == "terminal:ift-k1:offline"), TimeSpan.FromSeconds(15), "the terminal's incident in the party's list");
        var card = listed.EnumerateArray().Single(i => i.Str("dedupKey") == "terminal:ift-k1:offline");
        var id = card.Str("id");
        Assert.Equal(("Reported", "P3", "Terminal", "ift"), (card.Str("stage"), card.Str("severity"), card.Str("source"), card.Str("partyId")));
        Assert.False(card.TryGetProperty("timeline", out _));
        var unread = await Eventually.WaitAsync(() => party.GetFromJsonAsync<JsonElement>("/api/v1/notifications/unread-count"),
            u => u.GetProperty("unread").GetInt64() >= 1, TimeSpan.FromSeconds(10), "an unread notification for the party");
        Assert.Equal(1, unread.GetProperty("unread").GetInt64());
        var told = Assert.Single((await party.GetFromJsonAsync<JsonElement>("/api/v1/notifications")).EnumerateArray());
        Assert.Equal(("incident.reported", id, "party:ift", false), (told.Str("kind"), told.Str("incidentId"), told.Str("audience"), told.GetProperty("read").GetBoolean()));
        Assert.DoesNotContain((await staff.Stranger.GetFromJsonAsync<JsonElement>("/api/v1/incidents")).EnumerateArray(), i => i.Str("id") == id);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.GetAsync($"/api/v1/incidents/{id}")).StatusCode);

        // The operator on duty takes it and suspends the party's channel: feeds answer 503, publishing is refused.
        Assert.Equal("Acknowledged", (await operatorClient.IncidentOkAsync(id, "acknowledge")).Str("stage"));
        var suspended = await operatorClient.IncidentOkAsync(id, "suspend-service", new { text = "首页数据错误，暂停对外服务", channel = staff.Channel });
        Assert.Equal(("ServiceSuspended", staff.Channel), (suspended.Str("stage"), suspended.Str("suspendedChannel")));
        var feed = await anonymous.GetAsync($"/feeds/{staff.Channel}/pc.json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, feed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync($"/feeds/{staff.Channel}/app.rss")).StatusCode);
        var publish = await staff.Chief.CommandAsync(story, "publish");
        Assert.Equal(HttpStatusCode.Conflict, publish.StatusCode);
        Assert.Equal("ChannelSuspended", (await publish.Content.ReadFromJsonAsync<JsonElement>()).Str("code"));

        // Contained; it cannot be resolved while the channel is suspended, and reopening needs a note of the verification.
        Assert.Equal("Mitigated", (await operatorClient.IncidentOkAsync(id, "mitigate", new { text = "已回滚首页数据" })).Str("stage"));
        await operatorClient.IncidentRefusedAsync(HttpStatusCode.UnprocessableEntity, id, "resolve", new { text = "已修复" });
        await operatorClient.IncidentRefusedAsync(HttpStatusCode.UnprocessableEntity, id, "resume-service", new { });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync($"/feeds/{staff.Channel}/pc.json")).StatusCode);
        var resumed = await operatorClient.IncidentOkAsync(id, "resume-service", new { text = "已验证：首页数据与接口恢复正确" });
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("suspendedChannel").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/feeds/{staff.Channel}/pc.json")).StatusCode);
        Assert.Equal("Resolved", (await operatorClient.IncidentOkAsync(id, "resolve", new { text = "终端已更换电源" })).Str("stage"));
        Assert.Equal("Published", (await staff.Chief.OkAsync(story, "publish")).Stage());

        // Root cause, then feedback the party reads.
        var cause = await operatorClient.IncidentOkAsync(id, "record-root-cause", new
        {
            technical = "终端电源适配器老化",
            management = "巡检未覆盖电源",
            category = "Power",
            action = new { description = "巡检清单加入电源检查", owner = "运维组", due = "2026-12-31" },
        });
        Assert.Equal("RootCauseRecorded", cause.Str("stage"));
        Assert.Equal(("终端电源适配器老化", "巡检未覆盖电源", "Power"),
            (cause.GetProperty("rootCause").Str("technical"), cause.GetProperty("rootCause").Str("management"), cause.GetProperty("rootCause").Str("category")));
        Assert.Equal("巡检清单加入电源检查", Assert.Single(cause.GetProperty("actions").EnumerateArray()).Str("description"));
        var feedback = await operatorClient.IncidentOkAsync(id, "send-feedback", new { text = "终端电源老化导致离线，已更换并加入巡检" });
        Assert.Equal("FeedbackSent", feedback.Str("stage"));
        await Eventually.WaitAsync(() => party.GetFromJsonAsync<JsonElement>("/api/v1/notifications"),
            n => n.EnumerateArray().Any(x => x.Str("kind") == "incident.feedback" && x.Str("incidentId") == id), TimeSpan.FromSeconds(10), "the feedback notification");

        await operatorClient.IncidentRefusedAsync(HttpStatusCode.Forbidden, id, "read-feedback");
        await party.IncidentOkAsync(id, "read-feedback");
        await party.IncidentOkAsync(id, "read-feedback");
        var read = await party.IncidentOfAsync(id);
        var receipt = Assert.Single(read.GetProperty("feedbackReads").EnumerateArray());
        Assert.Equal(staff.IdOf("outsider"), receipt.GetProperty("userId").GetGuid());
        Assert.Equal("ift-outsider", receipt.Str("name"));
        Assert.Equal(["Report", "Acknowledge", "SuspendService", "Mitigate", "ResumeService", "Resolve", "RecordRootCause", "SendFeedback", "ReadFeedback", "ReadFeedback"],
            Commands(read));

        // The month's figures: one reported, acknowledged and resolved, with the mean minutes to each.
        var reportedAt = read.GetProperty("reportedAt").GetDateTimeOffset();
        var month = TimeZoneInfo.ConvertTime(reportedAt, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var reader in new[] { operatorClient, party })
        {
            var stats = await Eventually.WaitAsync(() => reader.GetFromJsonAsync<JsonElement>("/api/v1/incidents/stats"),
                s => s.EnumerateArray().Any(m => m.Str("month") == month && m.GetProperty("resolved").GetInt32() >= 1), TimeSpan.FromSeconds(10), "the month's figures");
            var figures = stats.EnumerateArray().Single(m => m.Str("month") == month);
            Assert.Equal((1, 1, 1), (figures.GetProperty("reported").GetInt32(), figures.GetProperty("acknowledged").GetInt32(), figures.GetProperty("resolved").GetInt32()));
            var mtta = figures.GetProperty("meanMinutesToAcknowledge").GetDouble();
            var mttr = figures.GetProperty("meanMinutesToResolve").GetDouble();
            Assert.InRange(mtta, 0, 10);
            Assert.InRange(mttr, mtta, 10);
        }

        // The report pack counts the party's incidents by their cause category (the incident's month).
        var causes = await Eventually.WaitAsync(async () =>
        {
            using var pack = await operatorClient.GetAsync($"/api/v1/reports/pack.xlsx?from={month}&to={month}&partyId=ift");
            using var xlsx = new MemoryStream(await pack.Content.ReadAsByteArrayAsync());
            return MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "RootCauses").Cast<IDictionary<string, object?>>().ToList();
        }, rows => rows.Any(r => r["Category"] as string == "Power"), TimeSpan.FromSeconds(10), "the pack's root-cause row");
        var power = causes.Single(r => r["Category"] as string == "Power");
        Assert.Equal(("ift", 1L, "Terminal"), ((string)power["Party"]!, Convert.ToInt64(power["Incidents"], System.Globalization.CultureInfo.InvariantCulture), (string)power["Sources"]!));
    }

    [Fact]
    public async Task Over_http_an_illegal_move_is_409_a_wrong_role_403_another_party_404_and_a_missing_key_400()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "ihl");
        await shared.Deployment.Identity.PlatformUserAsync("ihl-management", PlatformRoles.Management);
        using var management = await shared.SignInAsync("ihl-management");
        var operatorClient = staff.Operator;
        var party = staff.Outsider;

        var created = await operatorClient.ReportAsync(new { title = "首页稿件错误", detail = "标题错字", severity = "P2", partyId = "ihl", channel = staff.Channel });
        var id = created.Str("id");
        Assert.Equal(("Reported", "Staff", "ihl", staff.Channel), (created.Str("stage"), created.Str("source"), created.Str("partyId"), created.Str("channel")));

        // Not allowed in this stage: 409 naming the state and the moves allowed in it.
        var illegal = await operatorClient.IncidentRefusedAsync(HttpStatusCode.Conflict, id, "close");
        Assert.Equal(("IllegalMove", "Reported"), (illegal.Str("code"), illegal.Str("currentState")));
        Assert.Equal(IncidentWorkflow.AllowedIn(IncidentStage.Reported).Select(m => m.ToString()), illegal.Strings("allowedMoves"));

        // Allowed here, but not to these roles: 403.
        Assert.Equal("Forbidden", (await party.IncidentRefusedAsync(HttpStatusCode.Forbidden, id, "acknowledge")).Str("code"));
        await management.IncidentRefusedAsync(HttpStatusCode.Forbidden, id, "acknowledge");
        await party.IncidentRefusedAsync(HttpStatusCode.Forbidden, id, "set-severity", new { severity = "P1" });

        // Another party's users: the incident looks absent, even for a move their role would allow on their own incidents.
        await staff.Stranger.IncidentRefusedAsync(HttpStatusCode.NotFound, id, "acknowledge");
        await staff.Stranger.IncidentRefusedAsync(HttpStatusCode.NotFound, id, "comment", new { text = "我们也受影响" });
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.GetAsync($"/api/v1/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.IncidentAsync("inc-20000101-00000000", "comment", new { text = "?" })).StatusCode);

        // Every command needs an Idempotency-Key.
        var keyless = await operatorClient.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/acknowledge", new { }, key: null);
        Assert.Equal(HttpStatusCode.BadRequest, keyless.StatusCode);
        Assert.Contains("Idempotency-Key", await keyless.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.SendAsync(HttpMethod.Post, "/api/v1/incidents", new { title = "无键上报" }, key: null)).StatusCode);

        // The roles the table gives do act: the party comments, the operator acknowledges (a retry with the same key applies once).
        await party.IncidentOkAsync(id, "comment", new { text = "接入方已确认影响范围" });
        var acknowledged = await operatorClient.IncidentOkAsync(id, "acknowledge", key: "ack-1");
        var repeat = await operatorClient.IncidentOkAsync(id, "acknowledge", key: "ack-1");
        Assert.Equal("Acknowledged", acknowledged.Str("stage"));
        Assert.Equal(acknowledged.GetProperty("version").GetInt64(), repeat.GetProperty("version").GetInt64());
        var seen = await management.IncidentOfAsync(id);
        Assert.Equal(["Report", "Comment", "Acknowledge"], Commands(seen));
        Assert.Equal("ihl-operator", seen.Str("owner"));

        // Bad arguments are 422; a channel of another party is 400 before anything is tried.
        await operatorClient.IncidentRefusedAsync(HttpStatusCode.UnprocessableEntity, id, "suspend-service", new { });
        await operatorClient.IncidentRefusedAsync(HttpStatusCode.BadRequest, id, "suspend-service", new { text = "停", channel = "ihl-x-home" });
        Assert.Equal(["Report", "Comment", "Acknowledge"], Commands(await operatorClient.IncidentOfAsync(id)));

        // An access party reports for itself only, whatever party it names; the other party cannot see it.
        var own = await party.ReportAsync(new { title = "我方页面打不开", partyId = "ihl-x", severity = "P3" });
        Assert.Equal(("ihl", "AccessParty"), (own.Str("partyId"), own.Str("source")));
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.GetAsync($"/api/v1/incidents/{own.Str("id")}")).StatusCode);
        Assert.Contains((await party.GetFromJsonAsync<JsonElement>("/api/v1/incidents")).EnumerateArray(), i => i.Str("id") == own.Str("id"));
    }
}
