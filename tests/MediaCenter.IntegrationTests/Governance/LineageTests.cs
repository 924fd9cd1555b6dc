using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediaCenter.IntegrationTests.Intake;
using MediaCenter.IntegrationTests.Newsroom;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Governance;

/// <summary>
/// Lineage on records (F10.3) through the HTTP API on real processes: a story filed by a person, a ticket filed by the public and a
/// terminal registered by a party's administrator say where they came from, when, and every change with its actor; only those
/// who may read the record see it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class LineageTests(IntegrationFixture fixture)
{
    private static async Task<string> FilePublicTicketAsync(HttpClient anonymous)
    {
        var issued = await anonymous.GetFromJsonAsync<JsonElement>("/api/public/tickets/challenge");
        var challenge = issued.Str("challenge");
        var bits = issued.GetProperty("bits").GetInt32();
        var nonce = Enumerable.Range(0, int.MaxValue).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).First(n =>
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge + ":" + n));
            return Enumerable.Range(0, bits).All(i => (hash[i / 8] & (0x80 >> (i % 8))) == 0);
        });
        var filed = await anonymous.MustAsync(HttpMethod.Post, "/api/public/tickets", new
        {
            kind = "Complaint",
            subject = "来源测试",
            content = "大屏太亮。",
            phone = "139-1234-5678",
            consent = true,
            challenge,
            nonce,
        }, HttpStatusCode.Created, Guid.NewGuid().ToString("N"));
        return filed.Str("code");
    }

    private static List<(string Event, string? Actor)> Changes(JsonElement lineage) =>
        [.. lineage.GetProperty("changes").EnumerateArray().Select(c => (c.Str("event"), c.GetProperty("actor").GetString()))];

    [Fact]
    public async Task A_story_a_public_ticket_and_a_terminal_show_where_they_came_from_and_who_changed_them()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "lgn");
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "lgo");

        // A story filed and confirmed by people: its origin is the editor, its changes carry their names.
        var story = await staff.Editor.FileAsync(staff.Channel, "来源与变更测试稿");
        await staff.Chief.OkAsync(story, "confirm");
        var lineage = await staff.Chief.MustAsync(HttpMethod.Get, $"/api/v1/lineage/story/{story}", null, HttpStatusCode.OK);
        var origin = lineage.GetProperty("origin");
        Assert.Equal(("user", "lgn-editor"), (origin.Str("type"), origin.GetProperty("actor").GetString()));
        Assert.Equal(JsonValueKind.Null, origin.GetProperty("url").ValueKind);
        Assert.Equal([("File", "lgn-editor"), ("Confirm", "lgn-chief")], Changes(lineage));
        // Whoever may not read the story may not read its lineage.
        Assert.Equal(HttpStatusCode.NotFound, await staff.Stranger.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/story/{story}"));

        // A ticket filed by the public through the web API.
        using var anonymous = shared.Anonymous();
        var code = await FilePublicTicketAsync(anonymous);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/accept", new { }, HttpStatusCode.OK);
        var ticket = await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/lineage/ticket/{code}", null, HttpStatusCode.OK);
        Assert.Equal(("public", "Web"), (ticket.GetProperty("origin").Str("type"), ticket.GetProperty("origin").GetProperty("actor").GetString()));
        Assert.Equal(["Submit", "Accept"], Changes(ticket).Select(c => c.Event));
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/ticket/{code}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await anonymous.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/ticket/{code}"));

        // A terminal registered by the party's administrator: the credential says who and when.
        await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/terminals",
            new { id = "lgo-t1", name = "来源终端", kind = "Kiosk", region = "北区", heartbeatIntervalSeconds = 30 }, HttpStatusCode.OK, "register-lgo-t1");
        var terminal = await people.Member.MustAsync(HttpMethod.Get, "/api/v1/lineage/terminal/lgo-t1", null, HttpStatusCode.OK);
        Assert.Equal(("user", "lgo-padmin"), (terminal.GetProperty("origin").Str("type"), terminal.GetProperty("origin").GetProperty("actor").GetString()));
        Assert.True(terminal.GetProperty("origin").TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String);
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, "/api/v1/lineage/terminal/lgo-t1"));
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, "/api/v1/lineage/nonsense/lgo-t1"));
    }

    [Fact]
    public async Task A_reprinted_story_names_the_url_it_came_from()
    {
        await using var site = await FixtureSite.StartAsync();
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", ReprintFlowTests.SiteAllowed());
        var web = await deployment.StartWebAsync();
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "lgr");
        var url = new Uri(site.Named(ArticleIntakeTests.NewsHost), "news/article-jsonld.html").ToString();

        var record = Intake.ReprintFlowTests.Filed(await Intake.ReprintFlowTests.ReprintAsync(staff.Editor, staff.Channel, url));
        var id = record.Str("articleId");

        var lineage = await staff.Chief.MustAsync(HttpMethod.Get, $"/api/v1/lineage/story/{id}", null, HttpStatusCode.OK);
        var origin = lineage.GetProperty("origin");
        Assert.Equal(("reprint", "lgr-editor"), (origin.Str("type"), origin.GetProperty("actor").GetString()));
        Assert.Equal(url, origin.Str("url"));
        Assert.Equal("File", Changes(lineage)[0].Event);

        // Its images were fetched from the page: each names its own address on it and the editor who reprinted.
        var images = new List<string?>();
        foreach (var media in record.GetProperty("mediaIds").EnumerateArray())
        {
            var file = (await staff.Chief.MustAsync(HttpMethod.Get, $"/api/v1/lineage/media/{media.GetGuid()}", null, HttpStatusCode.OK)).GetProperty("origin");
            Assert.Equal(("reprint", "lgr-editor"), (file.Str("type"), file.GetProperty("actor").GetString()));
            images.Add(file.Str("url"));
        }

        Assert.Equal(["/img/photo-river.png", "/news/img/photo-bridge.png"], images.Select(u => new Uri(u!).AbsolutePath).Order());
        Assert.All(images, u => Assert.StartsWith(new Uri(url).GetLeftPart(UriPartial.Authority), u, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_supervision_record_and_the_rectification_it_opened_show_who_made_them_and_every_change_to_whoever_may_read_them()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "lsv");
        var id = (await people.Management.MustAsync(HttpMethod.Post, "/api/v1/supervision",
            new { kind = "ManagerVisit", title = "走访服务大厅", partyId = people.PartyA }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/record",
            new { summary = "引导标识不清", findings = new[] { "入口缺少指引牌" } }, HttpStatusCode.OK);
        var opened = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/findings/1/rectification", new { }, HttpStatusCode.OK);
        var rectification = opened.GetProperty("findings")[0].Str("rectificationId");

        var record = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/lineage/supervision/{id}", null, HttpStatusCode.OK);
        Assert.Equal("user", record.GetProperty("origin").Str("type"));
        Assert.False(string.IsNullOrEmpty(record.GetProperty("origin").GetProperty("actor").GetString()));
        var changes = Changes(record);
        Assert.True(changes.Count >= 3, string.Join(",", changes));
        Assert.All(changes, c => Assert.False(string.IsNullOrEmpty(c.Actor)));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/supervision/{id}"));

        var rect = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/lineage/rectification/{rectification}", null, HttpStatusCode.OK);
        Assert.NotEmpty(Changes(rect));
        Assert.NotNull(rect.GetProperty("origin").GetProperty("at").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/rectification/{rectification}"));

        // A yearly evaluation planned by the operator: its plan is its origin; the center evaluated sees it, another does not.
        var evaluation = (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = people.PartyA, year = 2031 }, HttpStatusCode.Created))
            .Str("id");
        var planned = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/lineage/evaluation/{evaluation}", null, HttpStatusCode.OK);
        Assert.Equal("user", planned.GetProperty("origin").Str("type"));
        Assert.Equal("Plan", Changes(planned)[0].Event);
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/evaluation/{evaluation}"));
    }

    [Fact]
    public async Task Plans_drills_campaigns_hot_events_and_applications_show_who_made_and_changed_them_to_their_party_only()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "lop");

        var plan = (await people.Member.MustAsync(HttpMethod.Post, "/api/v1/plans", new { title = "停电应急预案", scenario = "停电", content = OperationsCorrectionsTests.Content() }, HttpStatusCode.Created))
            .GetProperty("plan").Str("id");
        await people.Member.MustAsync(HttpMethod.Post, $"/api/v1/plans/{plan}/submit", null, HttpStatusCode.OK);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/plans/{plan}/approve", new { }, HttpStatusCode.OK);
        var drill = (await people.Member.MustAsync(HttpMethod.Post, "/api/v1/drills",
            new { planId = plan, scenario = "停电疏散", scheduledAt = DateTimeOffset.UtcNow.AddDays(3) }, HttpStatusCode.Created)).Str("id");
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/drills/{drill}/cancel", new { reason = "场馆检修" }, HttpStatusCode.OK);
        var campaign = (await people.Member.MustAsync(HttpMethod.Post, "/api/v1/campaigns",
            new { title = "元宵灯会", kind = "Holiday", startsOn = "2028-02-10", endsOn = "2028-02-12", description = "线上直播" }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/campaigns/{campaign}/support", new { supported = true }, HttpStatusCode.OK);
        var starts = DateTimeOffset.UtcNow.AddDays(5);
        var hot = (await people.Member.MustAsync(HttpMethod.Post, "/api/v1/hot-events", new
        {
            title = "来源测试政策发布",
            policy = "政策内容",
            startsAt = starts,
            endsAt = starts.AddHours(2),
            trafficMultiple = 3,
            qa = new[] { new { question = "问", answer = "答" } },
        }, HttpStatusCode.Created)).Str("id");
        var application = (await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/applications",
            new { code = "wap", name = "来源 WAP", kind = "Wap", owner = "王五" }, HttpStatusCode.Created)).Str("id");
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/applications/{application}/suspend", new { reason = "改版" }, HttpStatusCode.OK);

        var expected = new (string Kind, string Id, string Creator, string[] Events)[]
        {
            ("plan", plan, "lop-member", ["Create", "Submit", "Approve"]),
            ("drill", drill, "lop-member", ["Schedule", "Cancel"]),
            ("campaign", campaign, "lop-member", ["Register", "Support"]),
            ("hot-event", hot, "lop-member", ["Register"]),
            ("application", application, "lop-padmin", ["Create", "Suspend"]),
        };
        foreach (var (kind, id, creator, events) in expected)
        {
            var lineage = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/lineage/{kind}/{id}", null, HttpStatusCode.OK);
            var origin = lineage.GetProperty("origin");
            Assert.Equal((kind, "user", creator), (kind, origin.Str("type"), origin.GetProperty("actor").GetString()));
            Assert.Equal(JsonValueKind.String, origin.GetProperty("at").ValueKind);
            var changes = Changes(lineage);
            Assert.Equal((kind, string.Join(",", events)), (kind, string.Join(",", changes.Select(c => c.Event))));
            Assert.All(changes, c => Assert.False(string.IsNullOrEmpty(c.Actor), kind));
            Assert.Equal((kind, HttpStatusCode.NotFound), (kind, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/{kind}/{id}")));
        }

        // An id that is none looks like one the caller may not see.
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/application/{people.PartyA}.none"));
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, "/api/v1/lineage/plan/no-such-plan"));
    }

    [Fact]
    public async Task An_uploaded_file_names_its_uploader_to_people_who_may_see_its_channel()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "lmd");
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "现场.png");
        var uploaded = await staff.Editor.PostAsync($"/api/v1/channels/{staff.Channel}/media", form);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var mediaId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).Str("id");

        var lineage = await staff.Chief.MustAsync(HttpMethod.Get, $"/api/v1/lineage/media/{mediaId}", null, HttpStatusCode.OK);
        var origin = lineage.GetProperty("origin");
        Assert.Equal(("user", "lmd-editor", JsonValueKind.Null), (origin.Str("type"), origin.GetProperty("actor").GetString(), origin.GetProperty("url").ValueKind));
        Assert.Equal(JsonValueKind.String, origin.GetProperty("at").ValueKind);
        Assert.Empty(Changes(lineage));
        Assert.Equal(HttpStatusCode.NotFound, await staff.Stranger.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/media/{mediaId}"));
        Assert.Equal(HttpStatusCode.NotFound, await staff.Chief.StatusAsync(HttpMethod.Get, $"/api/v1/lineage/media/{Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.NotFound, await staff.Chief.StatusAsync(HttpMethod.Get, "/api/v1/lineage/media/not-a-guid"));
    }
}
