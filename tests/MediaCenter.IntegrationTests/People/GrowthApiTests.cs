using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.People;

/// <summary>The growth record (成长档案) and "my record" on real processes and PostgreSQL: what happened to a person, in order, for those who may see it.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class GrowthApiTests(IntegrationFixture fixture)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task The_growth_record_lists_posts_certificate_training_and_appraisal_in_the_order_they_happened()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "grw");
        var account = await shared.Deployment.Identity.PartyUserAsync("grw-person", people.PartyA, MediaCenter.Identity.PartyRoles.Member);
        using var person = await TestIdentity.SignInAsync(shared.Web.Http, "grw-person");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime).ToString("yyyy-MM-dd");

        var plan = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/training/plans",
            new { post = "Staff", kind = "PostBasics", title = "工作人员岗位基础", cadence = "Once", skills = new[] { "内容审核流程" }, passMark = 60 },
            HttpStatusCode.Created);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/training/plans/{plan.Str("id")}/activate", new { }, HttpStatusCode.OK);

        // Without a linked record there is no record of one's own.
        Assert.Equal(HttpStatusCode.NotFound, await person.StatusAsync(HttpMethod.Get, "/api/v1/people/me"));

        // 1. Registered on a staff post; 2. a certificate; 3. a closed training session; 4. promoted to manager; 5. an appraisal acknowledged.
        var personId = (await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people",
            new { name = "周成长", post = "Staff", education = "Bachelor", experienceYears = 4, userId = account, phone = "13800001234" },
            HttpStatusCode.Created)).Str("id");
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{personId}/certificates",
            new { type = "广播电视编辑记者资格证", number = "GRW-001", issuer = "省广电局", validFrom = today, validTo = (string?)null }, HttpStatusCode.OK);

        var session = (await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/training/sessions",
            new { planId = plan.Str("id"), external = false, startsAt = DateTimeOffset.UtcNow.AddHours(1), location = "二楼培训室" }, HttpStatusCode.Created)).Str("id");
        var path = $"/api/v1/people/training/sessions/{session}";
        await Eventually.WaitAsync(() => people.PartyAdmin.StatusAsync(HttpMethod.Post, path + "/enrolment", new { personIds = new[] { personId } }),
            s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "the enrolment (the training hears the record one-way)");
        await people.PartyAdmin.MustAsync(HttpMethod.Put, path + "/attendance", new { personIds = new[] { personId } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, path + "/scores",
            new { scores = new[] { new { personId, score = 72, confirmedSkills = new[] { "内容审核流程" } } } }, HttpStatusCode.OK);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, path + "/close", new { }, HttpStatusCode.OK);
        await Eventually.WaitAsync(() => people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/people/{personId}", null, HttpStatusCode.OK),
            s => s.GetProperty("trainings").GetArrayLength() == 1, TimeSpan.FromSeconds(20), "the training on the record");

        await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/v1/people/{personId}", new { post = "Manager" }, HttpStatusCode.OK);

        await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/people/appraisals/schemes", new
        {
            schemes = new[]
            {
                new
                {
                    post = "Manager",
                    indicators = Array.Empty<object>(),
                    manualItems = new[] { new { name = "管理能力", weight = 100 } },
                    bands = new[] { new { grade = "优秀", minTotal = 90.0 }, new { grade = "合格", minTotal = 0.0 } },
                },
            },
        }, HttpStatusCode.OK);
        var appraisal = (await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people/appraisals", new { personId, period = "2025" }, HttpStatusCode.Created)).Str("id");
        var appraisalPath = "/api/v1/people/appraisals/" + Uri.EscapeDataString(appraisal);
        await people.PartyAdmin.MustAsync(HttpMethod.Put, appraisalPath + "/score", new { scores = new[] { new { name = "管理能力", score = 95 } } }, HttpStatusCode.OK);
        await person.MustAsync(HttpMethod.Post, appraisalPath + "/acknowledge", new { }, HttpStatusCode.OK);

        var growth = await Eventually.WaitAsync(
            () => people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/people/{personId}/growth", null, HttpStatusCode.OK),
            g => g.GetArrayLength() == 5, TimeSpan.FromSeconds(20), "the growth record");
        List<(string Kind, string Day, string? Post, string? Until, string? Detail)> happened =
            [
                ("Post", today, "Staff", today, null),
                ("Certificate", today, null, null, "GRW-001"),
                ("Training", today, "Staff", null, "72/60 passed"),
                ("Post", today, "Manager", null, null),
                ("Appraisal", today, null, null, "2025 95 优秀 Acknowledged"),
            ];
        Assert.Equal(happened, Entries(growth));

        // The same visibility as the record: another party's admin does not find it; a member of the party sees it without the appraisal.
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/people/{personId}/growth"));
        var seenByMember = await people.Member.MustAsync(HttpMethod.Get, $"/api/v1/people/{personId}/growth", null, HttpStatusCode.OK);
        Assert.Equal(new[] { "Post", "Certificate", "Training", "Post" }, seenByMember.EnumerateArray().Select(e => e.Str("kind")));

        // The person's own record: masked, the training they attended with its result, their appraisal and the same growth record.
        var mine = await person.MustAsync(HttpMethod.Get, "/api/v1/people/me", null, HttpStatusCode.OK);
        Assert.Equal((personId, "138****1234", "Manager"), (mine.GetProperty("record").Str("id"), mine.GetProperty("record").Str("phoneMasked"),
            mine.GetProperty("record").Str("post")));
        var attended = Assert.Single(mine.GetProperty("sessions").EnumerateArray());
        Assert.Equal((session, "Closed", 72, true), (attended.Str("id"), attended.Str("state"), attended.GetProperty("score").GetInt32(),
            attended.GetProperty("passed").GetBoolean()));
        Assert.False(attended.TryGetProperty("attendees", out _), "the other attendees' results are not the person's to see");
        Assert.Equal(appraisal, Assert.Single(mine.GetProperty("appraisals").EnumerateArray()).Str("id"));
        Assert.Equal(Entries(growth), Entries(mine.GetProperty("growth")));
        Assert.DoesNotContain("13800001234", mine.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, "/api/v1/people/me"));
    }

    private static List<(string Kind, string Day, string? Post, string? Until, string? Detail)> Entries(JsonElement growth) =>
        [.. growth.EnumerateArray().Select(e => (e.Str("kind"), e.Str("day"), Nullable(e, "post"), Nullable(e, "until"), e.Str("kind") switch
        {
            "Certificate" => e.Str("number"),
            "Training" => $"{e.GetProperty("score").GetInt32()}/{e.GetProperty("passMark").GetInt32()} {(e.GetProperty("passed").GetBoolean() ? "passed" : "failed")}",
            "Appraisal" => $"{e.Str("period")} {e.GetProperty("total").GetDouble()} {e.Str("grade")} {e.Str("state")}",
            _ => null,
        }))];

    private static string? Nullable(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;
}
