using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Evaluation;

/// <summary>
/// Yearly evaluations through the HTTP API on real processes and PostgreSQL: last year's good result and this year's fail with
/// the public's score taken from an anonymously answered survey, the fail concluded only after a rectification with a person
/// responsible, closed only once the center finished it; the year-over-year comparison from the read table and the history in
/// the event log; another party sees none of it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EvaluationFlowTests(IntegrationFixture fixture)
{
    private static readonly object[] Criteria = [new { code = "service", name = "服务质量", weight = 60 }, new { code = "content", name = "内容建设", weight = 40 }];

    [Fact]
    public async Task A_failing_year_with_a_survey_scored_by_the_public_is_rectified_closed_and_compared_with_the_year_before()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "evf");
        var party = people.PartyA;

        // Last year: every party scores 85 on both criteria → 85, good.
        var last = await StartedAsync(people, party, 2025);
        foreach (var code in new[] { "service", "content" })
        {
            await ScoreAsync(people.Management, last, "Authority", code, 85);
            await ScoreAsync(people.Management, last, "Public", code, 85);
            await ScoreAsync(people.PartyAdmin, last, "Center", code, 85);
        }

        Assert.Equal(85m, (await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{last}/complete", new { }, HttpStatusCode.OK)).GetProperty("total").GetDecimal());
        Assert.Equal("Good", (await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{last}/conclude", new { summary = "良好" }, HttpStatusCode.OK)).Str("result"));
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{last}/close", new { }, HttpStatusCode.OK);

        // This year: the public's score on "service" is the survey's mean rating: (2 + 3) / 2 = 2.5 → 50.
        var survey = await RatedSurveyAsync(people, shared.Web.Http, [2, 3]);
        var year = await StartedAsync(people, party, 2026);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/survey", new { surveyId = survey, criterion = "service" }, HttpStatusCode.Forbidden);
        var linked = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/survey", new { surveyId = survey, criterion = "service" }, HttpStatusCode.OK);
        Assert.Equal((2.5m, 2, 50m), (linked.GetProperty("survey").GetProperty("meanRating").GetDecimal(), linked.GetProperty("survey").GetProperty("ratings").GetInt32(),
            linked.GetProperty("survey").GetProperty("score").GetDecimal()));

        // The center scores itself, not for the authority; management does not write the center's self-assessment.
        await ScoreAsync(people.PartyAdmin, year, "Authority", "service", 99, HttpStatusCode.Forbidden);
        await ScoreAsync(people.Management, year, "Center", "service", 99, HttpStatusCode.Forbidden);
        await ScoreAsync(people.Member, year, "Center", "service", 99, HttpStatusCode.Forbidden);
        await ScoreAsync(people.Management, year, "Authority", "service", 40);
        await ScoreAsync(people.PartyAdmin, year, "Center", "service", 60);
        await ScoreAsync(people.Management, year, "Authority", "content", 55);
        await ScoreAsync(people.PartyAdmin, year, "Center", "content", 65);

        // Evidence: a supervision record that exists; one that does not is refused.
        var record = (await people.Management.MustAsync(HttpMethod.Post, "/api/v1/supervision",
            new { kind = "ManagerVisit", title = "年度走访", partyId = party }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/evidence", new { kind = "Supervision", reference = "sup-missing" },
            HttpStatusCode.UnprocessableEntity);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/evidence", new { kind = "Supervision", reference = record, note = "走访记录" },
            HttpStatusCode.OK);

        // service: (50 + 40 + 60) / 3 = 50; content: (55 + 65) / 2 = 60; 0.6 × 50 + 0.4 × 60 = 54 → fail.
        var scored = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/complete", new { }, HttpStatusCode.OK);
        Assert.Equal(54m, scored.GetProperty("total").GetDecimal());
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/conclude", new { summary = "不合格" }, HttpStatusCode.UnprocessableEntity);

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/findings", new { text = "服务满意度低", criterion = "service" }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/findings/1/rectification", new { }, HttpStatusCode.UnprocessableEntity);
        var opened = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/findings/1/rectification", new { responsible = "李主任" },
            HttpStatusCode.OK);
        var rectification = opened.GetProperty("findings")[0].Str("rectificationId");
        Assert.Equal("李主任", opened.GetProperty("findings")[0].Str("responsible"));
        Assert.Equal("Fail", (await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/conclude", new { summary = "不合格，限期整改" },
            HttpStatusCode.OK)).Str("result"));

        // Not closed while the rectification is open; the center answers it to done, then management closes.
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/close", new { }, HttpStatusCode.UnprocessableEntity);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{rectification}/plan",
            new { actions = new[] { new { what = "开展服务礼仪培训", owner = "李主任", due = "2099-03-31" } } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{rectification}/actions/1/done", new { }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/rectifications/{rectification}/finish", new { }, HttpStatusCode.OK);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{year}/close", new { note = "整改完成" }, HttpStatusCode.OK);

        var detail = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/evaluations/{year}", null, HttpStatusCode.OK);
        Assert.Equal(("Closed", "Done"), (detail.GetProperty("evaluation").Str("state"), detail.GetProperty("findings")[0].Str("rectificationState")));
        Assert.Empty(detail.GetProperty("allowedMoves").EnumerateArray());

        // The comparison, from the read table: both years' totals and each criterion's combined score.
        var comparison = await Eventually.WaitAsync(
            () => people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/evaluations/comparison", null, HttpStatusCode.OK),
            c => c.GetProperty("years").GetArrayLength() == 2 && c.GetProperty("years")[1].Str("state") == "Closed", TimeSpan.FromSeconds(15), "the comparison");
        var years = comparison.GetProperty("years");
        Assert.Equal([(2025, 85m, "Good"), (2026, 54m, "Fail")],
            years.EnumerateArray().Select(y => (y.GetProperty("year").GetInt32(), y.GetProperty("total").GetDecimal(), y.Str("result"))).ToArray());
        Assert.Equal([("service", 50m), ("content", 60m)],
            years[1].GetProperty("criteria").EnumerateArray().Select(c => (c.Str("code"), c.GetProperty("score").GetDecimal())).ToArray());

        // The history is in the event log; the rectification names the evaluation as its source.
        var events = await Eventually.WaitAsync(() => EventTypesAsync(shared.Deployment.ConnectionString, year), e => e.Contains("Close"), TimeSpan.FromSeconds(15), "the history");
        Assert.Equal(["Plan", "Define", "Start", "LinkSurvey"], events.Take(4));
        Assert.Equal(["Complete", "AddFinding", "OpenRectification", "Conclude", "Close"], events.TakeLast(5));
        var source = (await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/rectifications/{rectification}", null, HttpStatusCode.OK))
            .GetProperty("rectification").GetProperty("source");
        Assert.Equal(("evaluation", year), (source.Str("kind"), source.Str("reference")));

        // Another center sees none of it.
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/evaluations/{year}"));
        Assert.DoesNotContain((await people.OtherParty.MustAsync(HttpMethod.Get, "/api/v1/evaluations", null, HttpStatusCode.OK)).EnumerateArray(), r => r.Str("id") == year);
        Assert.Equal(0, (await people.OtherParty.MustAsync(HttpMethod.Get, "/api/v1/evaluations/comparison", null, HttpStatusCode.OK)).GetProperty("years").GetArrayLength());
    }

    [Fact]
    public async Task Weights_that_do_not_sum_to_100_are_refused_and_a_second_evaluation_of_the_same_year_is_a_conflict()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "evw");
        var key = Guid.NewGuid().ToString("N");
        var planned = await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = people.PartyA, year = 2026 }, HttpStatusCode.Created, key);
        var id = planned.Str("id");
        Assert.Equal(id, (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = people.PartyA, year = 2026 }, HttpStatusCode.Created, key)).Str("id"));
        await people.Management.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = people.PartyA, year = 2026 }, HttpStatusCode.Conflict);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = people.PartyA, year = 2027 }, HttpStatusCode.Forbidden);

        var refused = await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria",
            new { criteria = new[] { new { code = "a", name = "甲", weight = 70 }, new { code = "b", name = "乙", weight = 20 } } }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("90", refused.ToString(), StringComparison.Ordinal);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/start", new { }, HttpStatusCode.UnprocessableEntity);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria", new { criteria = Criteria }, HttpStatusCode.Forbidden);
        await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria", new { criteria = Criteria }, HttpStatusCode.OK);
        Assert.Equal("InProgress", (await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/start", new { }, HttpStatusCode.OK)).Str("state"));
        await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria", new { criteria = Criteria }, HttpStatusCode.Conflict);
    }

    private static async Task<string> StartedAsync(OpsPeople people, string party, int year)
    {
        var id = (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = party, year }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria", new { criteria = Criteria }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/start", new { }, HttpStatusCode.OK);
        return id;
    }

    private static Task<JsonElement> ScoreAsync(HttpClient client, string id, string party, string criterion, decimal score, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party, criterion, score }, expected);

    /// <summary>A published survey with one rating question, answered anonymously on its public link with these ratings.</summary>
    private static async Task<string> RatedSurveyAsync(OpsPeople people, Uri web, int[] ratings)
    {
        var id = (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/surveys",
            new { title = "年度服务满意度", questions = new object[] { new { kind = "Rating", text = "总体满意度", required = true } } }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/surveys/{id}/publish", new { }, HttpStatusCode.OK);
        using var anonymous = new HttpClient { BaseAddress = web };
        foreach (var rating in ratings)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/public/surveys/{id}/answers")
            {
                Content = JsonContent.Create(new { items = new object[] { new { number = 1, rating } } }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return id;
    }

    private static async Task<List<string>> EventTypesAsync(string connectionString, string id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT event_type FROM mc.event_log WHERE entity_type = 'evaluation' AND entity_id = @id ORDER BY version", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var types = new List<string>();
        while (await reader.ReadAsync())
        {
            types.Add(reader.GetString(0));
        }

        return types;
    }
}
