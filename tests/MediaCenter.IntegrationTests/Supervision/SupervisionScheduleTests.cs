using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Supervision;

/// <summary>
/// F11.2 on real processes and PostgreSQL: a planned activity gets a person responsible (the planner by default, or another
/// supervisor), and a day that has passed without the activity recorded is flagged overdue by the record's reminder on the
/// record, in the list and in the responsible person's alert centre.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SupervisionScheduleTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_planned_visit_whose_day_has_passed_is_flagged_overdue_and_its_responsible_person_is_told()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "sus");
        var management = await people.Management.MustAsync(HttpMethod.Get, "/api/auth/me", null, HttpStatusCode.OK);
        var partyAdmin = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/auth/me", null, HttpStatusCode.OK);
        var operatorMe = await people.Operator.MustAsync(HttpMethod.Get, "/api/auth/me", null, HttpStatusCode.OK);
        var longAgo = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var planned = await people.Management.MustAsync(HttpMethod.Post, "/api/v1/supervision",
            new { kind = "ManagerVisit", title = "走访服务大厅", partyId = people.PartyA, plannedFor = longAgo }, HttpStatusCode.Created);
        var id = planned.Str("id");
        Assert.Equal(management.Str("id"), planned.Str("responsibleId"));

        // The reminder finds the day over: the record is flagged, and the list and the person's alert centre follow.
        var record = await UntilAsync(async () =>
        {
            var d = await people.Management.MustAsync(HttpMethod.Get, $"/api/v1/supervision/{id}", null, HttpStatusCode.OK);
            return d.GetProperty("record").GetProperty("overdue").GetBoolean() ? d : (JsonElement?)null;
        });
        Assert.Contains(record.GetProperty("history").EnumerateArray(), h => h.Str("command") == "MarkOverdue");
        var row = await UntilAsync(async () =>
        {
            var rows = await people.Management.MustAsync(HttpMethod.Get, "/api/v1/supervision", null, HttpStatusCode.OK);
            return rows.EnumerateArray().FirstOrDefault(r => r.Str("id") == id) is { ValueKind: JsonValueKind.Object } r && r.GetProperty("overdue").GetBoolean()
                ? r : (JsonElement?)null;
        });
        Assert.Equal(management.Str("displayName"), row.Str("responsible"));
        var told = await UntilAsync(async () =>
        {
            var inbox = await people.Management.MustAsync(HttpMethod.Get, "/api/v1/notifications", null, HttpStatusCode.OK);
            return inbox.EnumerateArray().FirstOrDefault(n => n.Str("kind") == "supervisionOverdue" && n.Str("id").StartsWith($"sup:{id}:overdue:", StringComparison.Ordinal))
                is { ValueKind: JsonValueKind.Object } n ? n : (JsonElement?)null;
        });
        Assert.Contains("走访服务大厅", told.Str("title"), StringComparison.Ordinal);

        // Only a supervisor can be made responsible, and only supervisors schedule; a new day clears the flag.
        var nextWeek = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/schedule",
            new { plannedFor = nextWeek, responsibleId = partyAdmin.Str("id") }, HttpStatusCode.BadRequest);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/schedule", new { plannedFor = nextWeek }, HttpStatusCode.Forbidden);
        var moved = await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/supervision/{id}/schedule",
            new { plannedFor = nextWeek, responsibleId = operatorMe.Str("id") }, HttpStatusCode.OK);
        Assert.Equal((nextWeek, false, operatorMe.Str("id")), (moved.Str("plannedFor"), moved.GetProperty("overdue").GetBoolean(), moved.Str("responsibleId")));
    }

    private static async Task<JsonElement> UntilAsync(Func<Task<JsonElement?>> probe)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < until, "not within 90 s");
            await Task.Delay(500);
        }
    }
}
