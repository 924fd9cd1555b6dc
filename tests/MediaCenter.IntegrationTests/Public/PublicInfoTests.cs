using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Public;

/// <summary>
/// The public information (F12.4.1) on real processes and PostgreSQL: answered without an account as JSON and as a page,
/// current from the system's own data (the profile its admins set, the staff who consented, the latest concluded
/// evaluation), 304 on a matching ETag, and refused beyond the per-address limit.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class PublicInfoTests(IntegrationFixture fixture)
{
    private static readonly object[] Criteria = [new { code = "service", name = "服务质量", weight = 60 }, new { code = "content", name = "内容建设", weight = 40 }];

    [Fact]
    public async Task Each_profile_change_is_in_the_event_log_with_its_author_and_the_fields_it_changed()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "pfh");
        var key = Guid.NewGuid().ToString("N");
        var first = new { introduction = "社区融媒体中心。", services = new[] { "新闻发布" }, openingHours = "9:00–17:00" };
        await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/public-profile", first, HttpStatusCode.OK, key);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/public-profile", first, HttpStatusCode.OK, key);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/public-profile", first with { openingHours = "8:30–17:30" }, HttpStatusCode.OK);

        await using var connection = new Npgsql.NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var history = new Npgsql.NpgsqlCommand("""
            SELECT string_agg(version || ':' || event_type || ':' || (actor IS NOT NULL) || ':' || (payload -> 'changed')::text, ' | ' ORDER BY version)
              FROM mc.event_log WHERE entity_type = 'public-profile' AND entity_id = @org
            """, connection);
        history.Parameters.AddWithValue("org", "party:" + people.PartyA);
        Assert.Equal("""1:SetProfile:true:["introduction", "services", "openingHours"] | 2:SetProfile:true:["openingHours"]""",
            (string?)await history.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_public_sees_the_profile_consenting_staff_and_the_concluded_evaluation_but_never_a_draft_or_a_person_who_did_not_consent()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "pif");
        var party = people.PartyA;
        var profile = new
        {
            introduction = "面向社区的融媒体服务中心。",
            services = new[] { "新闻发布", "政策咨询", "  ", "新闻发布" },
            openingHours = "周一至周五 9:00–17:00",
            address = "文化路 1 号",
            phone = "010-12345678",
            supervisionPhone = "010-87654321",
            complaintChannels = "网页投诉：/public/complaint/\n来电：010-12345678（工作日 9:00–17:00）",
            disputeRules = "对处理结果有异议的，可在收到答复后 15 日内申请复核，由中心监督科在 5 个工作日内答复。",
        };

        // Only the organisation's admins set its profile; another party does not even see it.
        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Put, "/api/v1/public-profile", profile));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Put, $"/api/v1/public-profile?organisation=party:{party}", profile));
        var set = await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/public-profile", profile, HttpStatusCode.OK);
        Assert.Equal(["新闻发布", "政策咨询"], set.GetProperty("profile").GetProperty("services").EnumerateArray().Select(s => s.GetString()));

        // One person consented to be listed, the other was never asked (off by default).
        await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", Person("公开的甲", true), HttpStatusCode.Created);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", Person("未同意的乙", null), HttpStatusCode.Created);

        // Last year concluded (good), this year only planned: the public sees last year's.
        var last = await StartedAsync(people, party, 2025);
        foreach (var code in new[] { "service", "content" })
        {
            await Score(people.Management, last, "Authority", code);
            await Score(people.Management, last, "Public", code);
            await Score(people.PartyAdmin, last, "Center", code);
        }

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{last}/complete", new { }, HttpStatusCode.OK);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{last}/conclude", new { summary = "服务规范，群众认可" }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = party, year = 2026 }, HttpStatusCode.Created);

        using var anonymous = new HttpClient { BaseAddress = shared.Web.Http };
        var (org, body) = await Eventually.WaitAsync(async () =>
            {
                var text = await anonymous.GetStringAsync("/api/public/info");
                var found = JsonDocument.Parse(text).RootElement.GetProperty("organisations").EnumerateArray()
                    .FirstOrDefault(o => o.Str("key") == "party:" + party);
                return (found.Clone(), text);
            },
            r => r.Item1.ValueKind == JsonValueKind.Object && r.Item1.GetProperty("staff").GetArrayLength() > 0
                && r.Item1.GetProperty("evaluation").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(20), "the party's public information");

        Assert.Equal(("周一至周五 9:00–17:00", "010-87654321"), (org.GetProperty("profile").Str("openingHours"), org.GetProperty("profile").Str("supervisionPhone")));
        // The complaint channels and the dispute-resolution rules are published with the profile (§11.1.1, §11.2.1).
        Assert.Equal((profile.complaintChannels, profile.disputeRules), (org.GetProperty("profile").Str("complaintChannels"), org.GetProperty("profile").Str("disputeRules")));
        var listed = Assert.Single(org.GetProperty("staff").EnumerateArray());
        Assert.Equal(("公开的甲", "Staff"), (listed.Str("name"), listed.Str("post")));
        Assert.DoesNotContain("未同意的乙", body, StringComparison.Ordinal);
        Assert.DoesNotContain("1381234", body, StringComparison.Ordinal);
        var evaluation = org.GetProperty("evaluation");
        Assert.Equal((2025, "Concluded", "Good", "服务规范，群众认可"), (evaluation.GetProperty("year").GetInt32(), evaluation.Str("state"), evaluation.Str("result"), evaluation.Str("summary")));
        Assert.Equal("/public/complaint/", JsonDocument.Parse(body).RootElement.Str("complaintPage"));

        // The same answer again costs nothing: 304 on its ETag, with a short max-age.
        using var first = await anonymous.GetAsync("/api/public/info");
        Assert.True(first.Headers.CacheControl?.MaxAge is { TotalSeconds: > 0 and <= 60 }, first.Headers.CacheControl?.ToString());
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/api/public/info");
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await anonymous.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/api/public/info");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"pi-other\""));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(stale)).StatusCode);

        // The page is served to anyone.
        using var page = await anonymous.GetAsync("/public/info/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/public/info/info.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_stream_gets_the_public_information_at_once_and_again_when_a_profile_changes()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "pis");
        using var streaming = new HttpClient { BaseAddress = shared.Web.Http, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Each "info" event carries the whole public information, as GET /api/public/info answers it.
        using var listener = await EventStreamListener.OpenAsync(streaming, "/api/public/info/events", "info", stop.Token);
        List<JsonElement> Events() => [.. listener.Seen().Select(data => JsonDocument.Parse(data).RootElement.Clone())];

        await Eventually.WaitAsync(() => Task.FromResult(listener.Seen().Count), n => n > 0, TimeSpan.FromSeconds(15), "the information on opening the stream");
        var hours = "周三 9:00–12:00 · " + Guid.NewGuid().ToString("N")[..6];
        await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/public-profile", new { introduction = "推送测试", openingHours = hours }, HttpStatusCode.OK);

        bool Shows(JsonElement info) => info.GetProperty("organisations").EnumerateArray()
            .Any(o => o.Str("key") == "party:" + people.PartyA && o.GetProperty("profile").ValueKind == JsonValueKind.Object
                && o.GetProperty("profile").Str("openingHours") == hours);
        await Eventually.WaitAsync(() => Task.FromResult(Events()), events => events.Any(Shows), TimeSpan.FromSeconds(15),
            "the changed profile pushed on the open stream");
        await stop.CancelAsync();
        await listener.StoppedAsync();
    }

    [Fact]
    public async Task The_public_information_is_refused_beyond_the_limit_per_address()
    {
        var shared = await fixture.SharedAsync();
        var web = await shared.Deployment.StartWebAsync("public-info-limited-web", new Dictionary<string, string>
        {
            ["PublicInfo__PublicPermits"] = "2",
            ["PublicInfo__PublicWindow"] = "00:10:00",
        });
        using var anonymous = new HttpClient { BaseAddress = web.Http };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await anonymous.GetAsync("/api/public/info");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    private static object Person(string name, bool? publishConsent) => new
    {
        name,
        post = "Staff",
        education = "JuniorCollege",
        experienceYears = 1,
        skills = new[] { "计算机" },
        phone = "13812345678",
        publishConsent,
    };

    private static async Task<string> StartedAsync(OpsPeople people, string party, int year)
    {
        var id = (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = party, year }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria", new { criteria = Criteria }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/start", new { }, HttpStatusCode.OK);
        return id;
    }

    private static Task<JsonElement> Score(HttpClient client, string id, string party, string criterion) =>
        client.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party, criterion, score = 85m }, HttpStatusCode.OK);
}
