using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Supervision;

/// <summary>
/// Supervision through the HTTP API on real processes and PostgreSQL: a ticket opens a rectification the party tracks to done,
/// a mystery visit stays hidden from the party visited until it is closed, and a survey published on its public link is
/// answered anonymously, counted per question and refused beyond the rate limit.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SupervisionFlowTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_ticket_opens_a_rectification_that_the_party_tracks_to_done_and_the_ticket_shows_it()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "sut");
        var filed = await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/tickets",
            new { kind = "Complaint", source = "Phone", subject = "大屏夜间过亮", content = "晚上十点后仍然很亮。" }, HttpStatusCode.Created);
        var code = filed.Str("id");

        // Not before it is with a party: the table has no such move in Received.
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/rectifications", new { title = "夜间亮度" }, HttpStatusCode.Conflict);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/accept", new { }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/assign", new { assignee = "party:" + people.PartyA }, HttpStatusCode.OK);

        // The party it is assigned to does not open rectifications of itself.
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/rectifications", new { title = "夜间亮度" }, HttpStatusCode.Forbidden);
        var key = Guid.NewGuid().ToString("N");
        var opened = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/rectifications",
            new { title = "夜间亮度策略未执行", detail = "按投诉核实" }, HttpStatusCode.OK, key);
        var again = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/tickets/{code}/rectifications",
            new { title = "夜间亮度策略未执行", detail = "按投诉核实" }, HttpStatusCode.OK, key);
        var rectification = Assert.Single(opened.GetProperty("rectifications").EnumerateArray()).GetString()!;
        Assert.Single(again.GetProperty("rectifications").EnumerateArray());

        var detail = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/rectifications/{rectification}", null, HttpStatusCode.OK);
        Assert.Equal(("ticket", code, "Open"), (detail.GetProperty("rectification").GetProperty("source").Str("kind"),
            detail.GetProperty("rectification").GetProperty("source").Str("reference"), detail.GetProperty("rectification").Str("state")));
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{rectification}/plan",
            new { actions = new[] { new { what = "设置夜间亮度策略", owner = "张工", due = "2099-01-31" } } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{rectification}/actions/1/done", new { }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{rectification}/finish", new { }, HttpStatusCode.OK);

        var ticket = await people.Operator.MustAsync(HttpMethod.Get, $"/api/v1/tickets/{code}", null, HttpStatusCode.OK);
        var shown = Assert.Single(ticket.GetProperty("rectifications").EnumerateArray());
        Assert.Equal((rectification, "Done"), (shown.Str("id"), shown.Str("state")));
    }

    [Fact]
    public async Task A_mystery_visit_is_hidden_from_the_party_visited_until_it_is_closed()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "sum");
        var record = await people.Management.MustAsync(HttpMethod.Post, "/api/v1/supervision",
            new { kind = "MysteryVisit", title = "暗访服务大厅", partyId = people.PartyA }, HttpStatusCode.Created);
        var id = record.Str("id");
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/record",
            new { summary = "窗口服务态度一般", findings = new[] { "等候超过二十分钟无人引导" } }, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NotFound, await people.PartyAdmin.StatusAsync(HttpMethod.Get, $"/api/v1/supervision/{id}"));
        Assert.DoesNotContain(Ids(await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/supervision", null, HttpStatusCode.OK)), x => x == id);
        Assert.Contains(Ids(await people.Management.MustAsync(HttpMethod.Get, "/api/v1/supervision", null, HttpStatusCode.OK)), x => x == id);

        // The finding's rectification is the party's to answer, and visible on the record.
        var opened = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/findings/1/rectification", new { }, HttpStatusCode.OK);
        var rectification = opened.GetProperty("findings")[0].Str("rectificationId");
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/close", new { }, HttpStatusCode.OK);

        var seen = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/supervision/{id}", null, HttpStatusCode.OK);
        Assert.Equal(("Closed", rectification, "Open"), (seen.GetProperty("record").Str("state"),
            seen.GetProperty("findings")[0].GetProperty("finding").Str("rectificationId"), seen.GetProperty("findings")[0].Str("rectificationState")));
        Assert.Empty(seen.GetProperty("allowedMoves").EnumerateArray());
        Assert.Contains(Ids(await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/supervision", null, HttpStatusCode.OK)), x => x == id);
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/supervision/{id}"));
    }

    [Fact]
    public async Task A_published_survey_is_answered_anonymously_counted_per_question_and_limited_per_address()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "suv");
        var web = await shared.Deployment.StartWebAsync("surveys-limited-web", new Dictionary<string, string>
        {
            ["Surveys__PublicPermits"] = "3",
            ["Surveys__PublicWindow"] = "00:10:00",
        });
        using var anonymous = new HttpClient { BaseAddress = web.Http };

        var survey = await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/surveys", new
        {
            title = "公共文化服务满意度",
            questions = new object[]
            {
                new { kind = "Single", text = "您多久来一次？", options = new[] { "每周", "每月", "很少" }, required = true },
                new { kind = "Multiple", text = "您用过哪些服务？", options = new[] { "借阅", "讲座", "展览" } },
                new { kind = "Rating", text = "总体满意度", required = true },
                new { kind = "Text", text = "建议" },
            },
        }, HttpStatusCode.Created);
        var id = survey.Str("id");

        // A draft is not on the public link.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/public/surveys/{id}")).StatusCode);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/surveys/{id}/publish", new { }, HttpStatusCode.OK);

        var answers = new[]
        {
            new { items = new object[] { new { number = 1, choices = new[] { 1 } }, new { number = 2, choices = new[] { 1, 3 } }, new { number = 3, rating = 5 }, new { number = 4, text = "多办讲座" } } },
            new { items = new object[] { new { number = 1, choices = new[] { 1 } }, new { number = 2, choices = new[] { 3 } }, new { number = 3, rating = 4 } } },
            new { items = new object[] { new { number = 1, choices = new[] { 2 } }, new { number = 3, rating = 4 } } },
        };
        var statuses = new List<HttpStatusCode>();
        foreach (var answer in answers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/public/surveys/{id}/answers") { Content = JsonContent.Create(answer) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await anonymous.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        // The draft asked for once and two answers use the 3 requests the address has; the third answer is refused.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);

        var results = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/surveys/{id}", null, HttpStatusCode.OK);
        Assert.Equal(2, results.GetProperty("responses").GetInt32());
        var tallies = results.GetProperty("tallies");
        Assert.Equal([2, 0, 0], Counts(tallies[0]));
        Assert.Equal([1, 0, 2], Counts(tallies[1]));
        Assert.Equal([0, 0, 0, 1, 1], Counts(tallies[2]));
        Assert.Equal(["多办讲座"], tallies[3].GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray());

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/surveys/{id}/close", new { }, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, await people.Operator.StatusAsync(HttpMethod.Get, $"/api/public/surveys/{id}"));
    }

    private static IEnumerable<string> Ids(JsonElement list) => list.EnumerateArray().Select(r => r.Str("id"));

    private static int[] Counts(JsonElement tally) => tally.GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()).ToArray();
}
