using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.IntegrationTests.Incidents;
using MediaCenter.IntegrationTests.Newsroom;

namespace MediaCenter.IntegrationTests.People;

/// <summary>The editor activity endpoint on a real silo and PostgreSQL: counted from the domain events, and shown only to whom it may be.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class EditorActivityTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_person_their_chief_and_operators_see_the_work_the_events_recorded_and_other_colleagues_do_not()
    {
        var shared = await fixture.SharedAsync();
        await using var staff = await NewsroomStaff.CreateAsync(shared.Deployment, shared.Web.Http, "eat");
        var id = await staff.Editor.FileAsync(staff.Channel, "编辑活动统计");
        await staff.Chief.OkAsync(id, "confirm");
        await staff.Chief.OkAsync(id, "assign", new { assignees = new[] { staff.IdOf("editor") }, dueAt = DateTimeOffset.UtcNow.AddHours(3) });
        var path = $"/api/v1/editors/{staff.IdOf("editor")}/activity";

        var own = await Eventually.WaitAsync(() => staff.Editor.GetFromJsonAsync<JsonElement>(path),
            a => a.GetProperty("openTasks").GetArrayLength() == 1, TimeSpan.FromSeconds(15), "the assignment among the editor's open tasks");
        var totals = own.GetProperty("totals");
        Assert.Equal((1, 1, 0), (totals.GetProperty("pitchesFiled").GetInt32(), totals.GetProperty("pitchesSelected").GetInt32(),
            totals.GetProperty("draftsSaved").GetInt32()));
        var task = own.GetProperty("openTasks")[0];
        Assert.Equal((id, "Assignment", "Assigned"), (task.Str("entityId"), task.Str("kind"), task.Str("stage")));
        Assert.Equal(1, own.GetProperty("workload").GetProperty("assignments").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await staff.Chief.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.Operator.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Editor2.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Reviewer(1).GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Stranger.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Operator.GetAsync($"/api/v1/editors/{Guid.NewGuid()}/activity")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.Editor.GetAsync(path + "?from=2026-12-02&to=2026-12-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.Editor.GetAsync(path + "?from=2024-01-01&to=2026-12-01")).StatusCode);
    }
}
