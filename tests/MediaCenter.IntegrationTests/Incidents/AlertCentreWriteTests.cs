using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Newsroom;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>
/// The alert centre's writes go through grains (webhooks, read marks) on the real processes, with the HTTP API as it was:
/// the same paths, status codes and shapes, an Idempotency-Key honoured when sent and not required.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AlertCentreWriteTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_webhook_is_created_once_per_key_stopped_once_and_afterwards_gone_for_commands_while_its_listing_stays()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("acw-admin", PlatformRoles.Admin);
        using var admin = await shared.SignInAsync("acw-admin");
        // A public address literal: accepted without a name lookup; the hook is stopped before anything could be sent to it.
        var body = new { url = "https://93.184.215.14/mediacenter-test", audience = "role:admin", kinds = new[] { "incident.escalated" } };

        var key = Guid.NewGuid().ToString();
        var created = await admin.SendAsync(HttpMethod.Post, "/api/v1/webhooks", body, key);
        var repeated = await admin.SendAsync(HttpMethod.Post, "/api/v1/webhooks", body, key);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (created.StatusCode, repeated.StatusCode));
        var first = await created.Content.ReadFromJsonAsync<JsonElement>();
        var second = await repeated.Content.ReadFromJsonAsync<JsonElement>();
        var id = first.GetProperty("webhook").Str("id");
        Assert.Equal((id, first.Str("secret")), (second.GetProperty("webhook").Str("id"), second.Str("secret")));
        Assert.Equal(["id", "audience", "partyId", "url", "kinds", "active", "createdAt", "language"], first.GetProperty("webhook").EnumerateObject().Select(p => p.Name));
        Assert.Equal($"/api/v1/webhooks/{id}", created.Headers.Location?.ToString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/webhooks/{Guid.NewGuid()}")).StatusCode);
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).EnumerateArray().Single(h => h.Str("id") == id);
        Assert.False(listed.GetProperty("active").GetBoolean());

        var invalid = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://93.184.215.14/x", audience = "everyone" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task Notifications_are_marked_read_one_by_one_or_all_at_once_and_an_unknown_one_is_404()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("acw-operator", PlatformRoles.Operator);
        using var staff = await shared.SignInAsync("acw-operator");
        var incident = await staff.ReportAsync(new { title = "告警中心已读测试 " + Guid.NewGuid().ToString("N")[..6], detail = "已读标记", severity = "P3" });
        var notification = await Eventually.WaitAsync(
            async () => (await staff.GetFromJsonAsync<JsonElement>("/api/v1/notifications?limit=500")).EnumerateArray()
                .FirstOrDefault(n => n.TryGetProperty("incidentId", out var i) && i.GetString() == incident.Str("id")),
            n => n.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(10), "the incident's notification");
        Assert.False(notification.GetProperty("read").GetBoolean());
        var notificationId = notification.Str("id");

        var marked = await staff.PostAsync($"/api/v1/notifications/{Uri.EscapeDataString(notificationId)}/read", null);
        var unknown = await staff.PostAsync("/api/v1/notifications/no-such-notification/read", null);
        var all = await staff.PostAsync("/api/v1/notifications/read-all", null);

        Assert.Equal(HttpStatusCode.NoContent, marked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("NotFound", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).Str("code"));
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.True((await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32() >= 1);
        var after = (await staff.GetFromJsonAsync<JsonElement>("/api/v1/notifications?limit=500")).EnumerateArray().Single(n => n.Str("id") == notificationId);
        Assert.True(after.GetProperty("read").GetBoolean());
    }
}
