using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Newsroom;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>Incident state (lifecycle, root cause, actions, feedback receipts, outbox) reads back from PostgreSQL after the silo restarts.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class IncidentRestartTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task An_incident_handled_to_feedback_reads_back_whole_after_its_only_silo_restarts()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("irs-1");
        var web = await deployment.StartWebAsync();
        await deployment.Identity.PartyAsync("irs");
        await deployment.Identity.PartyUserAsync("irs-member", "irs", PartyRoles.Member);
        await deployment.Identity.PlatformUserAsync("irs-op", PlatformRoles.Operator);
        using var member = await TestIdentity.SignInAsync(web.Http, "irs-member");
        using var op = await TestIdentity.SignInAsync(web.Http, "irs-op");

        async Task<JsonElement> Step(HttpClient who, string path, object body)
        {
            using var response = await who.SendAsync(HttpMethod.Post, path, body, Guid.NewGuid().ToString());
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var id = (await Step(member, "/api/v1/incidents", new { title = "演播厅大屏黑屏", detail = "两块屏", severity = "P2", channel = "irs-home" }))
            .GetProperty("id").GetString()!;
        await Step(op, $"/api/v1/incidents/{id}/acknowledge", new { });
        await Step(op, $"/api/v1/incidents/{id}/suspend-service", new { channel = "irs-home", text = "先暂停对外服务" });
        await Step(op, $"/api/v1/incidents/{id}/mitigate", new { text = "切换备用屏" });
        await Step(op, $"/api/v1/incidents/{id}/resume-service", new { text = "验证通过" });
        await Step(op, $"/api/v1/incidents/{id}/resolve", new { text = "更换电源" });
        await Step(op, $"/api/v1/incidents/{id}/record-root-cause",
            new { technical = "电源老化", management = "巡检漏项", category = "Power", action = new { description = "更换同批电源", owner = "设备组", due = "2026-12-31" } });
        await Step(op, $"/api/v1/incidents/{id}/send-feedback", new { text = "已处理完毕" });
        await Step(member, $"/api/v1/incidents/{id}/read-feedback", new { });
        var before = await op.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}");

        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));
        await deployment.StartSiloAsync("irs-2");
        var after = await Eventually.WaitAsync(() => op.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}"), _ => true, TimeSpan.FromSeconds(60),
            "the incident from the restarted silo");

        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal("FeedbackSent", after.GetProperty("stage").GetString());
        Assert.Equal("2026-12-31", after.GetProperty("actions")[0].GetProperty("due").GetString());
        Assert.Single(after.GetProperty("feedbackReads").EnumerateArray());
        // The corrective action read back is still open: closing is refused.
        using var close = await op.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/close", new { }, "close-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, close.StatusCode);
    }
}
