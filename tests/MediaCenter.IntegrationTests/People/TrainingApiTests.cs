using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.People;

/// <summary>Training through the HTTP API on real processes and PostgreSQL: a plan's session closed puts the pass on the person's record and lifts the role gate.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class TrainingApiTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_closed_post_basics_session_shows_on_the_persons_record_fulfils_the_obligation_and_lifts_the_role_gate()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "trn");
        var identity = shared.Deployment.Identity;
        var channel = "trn-home";
        await identity.Directory.CreateChannelAsync(channel, "首页", people.PartyA);
        var trainee = await identity.PartyUserAsync("trn-trainee", people.PartyA, MediaCenter.Identity.PartyRoles.Member);

        var plan = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/training/plans", new
        {
            post = "Staff",
            kind = "PostBasics",
            title = "工作人员岗位基础",
            cadence = "Once",
            skills = new[] { "内容审核流程", "智能设备操作" },
            passMark = 60,
        }, HttpStatusCode.Created);
        var planId = plan.Str("id");
        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Post, $"/api/v1/people/training/plans/{planId}/activate", new { }));
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/training/plans/{planId}/activate", new { }, HttpStatusCode.OK);

        var record = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", new
        {
            name = "钱学员",
            post = "Staff",
            education = "Bachelor",
            experienceYears = 2,
            userId = trainee,
        }, HttpStatusCode.Created);
        var personId = record.Str("id");

        // The new person owes the active post basics (the record reports to the training one-way, so it is awaited).
        var owed = await Eventually.WaitAsync(
            () => people.Member.MustAsync(HttpMethod.Get, $"/api/v1/people/training/obligations?person={personId}", null, HttpStatusCode.OK),
            list => list.GetArrayLength() == 1, TimeSpan.FromSeconds(20), "the newcomer's obligation");
        Assert.Equal(("Joined", "Open", false), (owed[0].GetProperty("obligation").Str("reason"), owed[0].GetProperty("obligation").Str("state"), owed[0].GetProperty("overdue").GetBoolean()));
        await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/channels/{channel}/members/{trainee}/editor", new { }, HttpStatusCode.Conflict);

        var session = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/training/sessions", new
        {
            planId,
            external = false,
            startsAt = DateTimeOffset.UtcNow.AddHours(1),
            location = "二楼培训室",
            materials = new[] { new { name = "岗位手册", link = "https://example.org/handbook.pdf" } },
        }, HttpStatusCode.Created);
        var sessionId = session.Str("id");
        var path = $"/api/v1/people/training/sessions/{sessionId}";
        var early = await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/close", new { }, HttpStatusCode.Conflict);
        Assert.Equal(("IllegalMove", "Scheduled"), (early.Str("code"), early.Str("currentState")));
        await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/enrolment", new { personIds = new[] { personId } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, path + "/attendance", new { personIds = new[] { personId } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, path + "/scores",
            new { scores = new[] { new { personId, score = 72, confirmedSkills = new[] { "内容审核流程" } } } }, HttpStatusCode.OK);
        var closed = await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/close", new { }, HttpStatusCode.OK);
        Assert.Equal("Closed", closed.Str("state"));

        var staff = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/people/{personId}", null, HttpStatusCode.OK);
        var training = Assert.Single(staff.GetProperty("trainings").EnumerateArray());
        Assert.Equal(("PostBasics", "工作人员岗位基础", 72, 60), (training.Str("kind"), training.Str("title"), training.GetProperty("score").GetInt32(),
            training.GetProperty("passMark").GetInt32()));
        Assert.True(staff.GetProperty("basicTrainingPassed").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, await people.PartyAdmin.StatusAsync(HttpMethod.Put, $"/api/channels/{channel}/members/{trainee}/editor", new { }));

        var after = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/people/training/obligations?person={personId}", null, HttpStatusCode.OK);
        Assert.Equal(("Fulfilled", sessionId), (after[0].GetProperty("obligation").Str("state"), after[0].GetProperty("obligation").Str("fulfilledBy")));

        // The read tables follow the grain.
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        var row = await Eventually.WaitAsync(async () =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT state, attendees->0->>'passed' FROM mc.training_sessions WHERE organisation = @o AND id = @id", connection);
            command.Parameters.AddWithValue("o", "party:" + people.PartyA);
            command.Parameters.AddWithValue("id", sessionId);
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : (null, null);
        }, r => r.Item1 == "Closed", TimeSpan.FromSeconds(20), "the session's row");
        Assert.Equal("true", row.Item2);

        // The party's report pack has its staff and training: one person on a staff post, uncertified (below the half), one session
        // closed with one attendee who passed, nothing owed any more.
        var now = DateTimeOffset.UtcNow;
        var range = $"from={now.AddMonths(-1):yyyy-MM}&to={now.AddMonths(1):yyyy-MM}";
        var staffRow = await Eventually.WaitAsync(async () =>
        {
            using var response = await people.PartyAdmin.GetAsync("/api/v1/reports/pack.xlsx?" + range);
            using var xlsx = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
            return MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "Staff").Cast<IDictionary<string, object?>>().Single();
        }, r => Convert.ToInt32(r["Total"], System.Globalization.CultureInfo.InvariantCulture) == 1, TimeSpan.FromSeconds(20), "the pack's staff row");
        int Cell(string name) => Convert.ToInt32(staffRow[name], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(("party:" + people.PartyA, people.PartyA), ((string)staffRow["Organisation"]!, (string)staffRow["Party"]!));
        Assert.Equal((1, 0, 0, 0), (Cell("StaffPosts"), Cell("Managers"), Cell("Certified"), Cell("CertifiedShare")));
        Assert.False((bool)staffRow["MeetsRatio"]!);
        Assert.Equal((1, 1, 1, 0), (Cell("SessionsClosed"), Cell("Attended"), Cell("Passed"), Cell("ObligationsOpen")));
    }

    [Fact]
    public async Task A_new_review_level_on_a_channel_owes_the_partys_newsroom_staff_their_training_again()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "trnlv");
        var channel = "trnlv-home";
        await shared.Deployment.Identity.Directory.CreateChannelAsync(channel, "首页", people.PartyA);
        var plan = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/training/plans", new
        {
            post = "Staff",
            kind = "OperatingSkills",
            title = "稿件审核操作",
            cadence = "Once",
            skills = new[] { "审核流程" },
            passMark = 60,
        }, HttpStatusCode.Created);
        var planId = plan.Str("id");
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/training/plans/{planId}/activate", new { }, HttpStatusCode.OK);
        var personId = await TrainedStaff.RecordAsync(people.PartyAdmin, "party:" + people.PartyA, null, "冯审核");
        var obligations = $"/api/v1/people/training/obligations?person={personId}";
        await Eventually.WaitAsync(() => people.Member.MustAsync(HttpMethod.Get, obligations, null, HttpStatusCode.OK),
            list => list.GetArrayLength() == 1, TimeSpan.FromSeconds(20), "the newcomer's obligation");
        var session = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/training/sessions", new
        {
            planId,
            external = false,
            startsAt = DateTimeOffset.UtcNow.AddHours(1),
            location = "二楼培训室",
        }, HttpStatusCode.Created);
        var path = $"/api/v1/people/training/sessions/{session.Str("id")}";
        await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/enrolment", new { personIds = new[] { personId } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, path + "/attendance", new { personIds = new[] { personId } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, path + "/scores", new { scores = new[] { new { personId, score = 80 } } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/close", new { }, HttpStatusCode.OK);
        static IEnumerable<JsonElement> Open(JsonElement list) =>
            list.EnumerateArray().Select(v => v.GetProperty("obligation")).Where(o => o.Str("state") == "Open");
        Assert.Empty(Open(await people.Member.MustAsync(HttpMethod.Get, obligations, null, HttpStatusCode.OK)));

        // Fewer levels (a new channel has all three), or the same again, are no new business; one more level is.
        foreach (var fewer in new[] { 1, 1 })
        {
            await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/v1/channels/{channel}/policy", new { reviewLevels = fewer, targets = new[] { "Pc" } },
                HttpStatusCode.OK);
        }

        Assert.Empty(Open(await people.Member.MustAsync(HttpMethod.Get, obligations, null, HttpStatusCode.OK)));
        await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/v1/channels/{channel}/policy", new { reviewLevels = 2, targets = new[] { "Pc" } },
            HttpStatusCode.OK);

        var owed = Assert.Single(Open(await people.Member.MustAsync(HttpMethod.Get, obligations, null, HttpStatusCode.OK)));
        Assert.Equal((planId, "BusinessChanged"), (owed.Str("planId"), owed.Str("reason")));
        Assert.Equal(DateOnly.Parse(owed.Str("since"), System.Globalization.CultureInfo.InvariantCulture).AddDays(30),
            DateOnly.Parse(owed.Str("due"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
