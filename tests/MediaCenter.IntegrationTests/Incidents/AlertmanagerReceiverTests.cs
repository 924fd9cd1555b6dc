using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>
/// The platform's own Prometheus alerts as incidents: payloads captured from Alertmanager 0.25.0 (Debian's
/// prometheus-alertmanager, webhook_configs with send_resolved and a bearer token) are posted to the real web process.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AlertmanagerReceiverTests(IntegrationFixture fixture)
{
    private const string Token = "am-receiver-token-0123456789";

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(Repo.Root, "tests", "MediaCenter.IntegrationTests", "Incidents", "Fixtures", name));

    private static async Task<HttpResponseMessage> PostAsync(Uri web, string json, string? token)
    {
        using var http = new HttpClient { BaseAddress = web };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alertmanager") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    [Fact]
    public async Task A_firing_alert_opens_one_incident_that_a_resent_notification_does_not_count_again_and_resolved_clears()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("am-silo");
        var web = await deployment.StartWebAsync(settings: new Dictionary<string, string> { ["Incidents__Alertmanager__Token"] = Token });
        await deployment.Identity.PlatformUserAsync("am-operator", PlatformRoles.Operator);
        using var operatorClient = await TestIdentity.SignInAsync(web.Http, "am-operator");
        var firing = Fixture("alertmanager-firing.json");

        // Without the token, or with another, nothing is opened.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(web.Http, firing, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(web.Http, firing, "wrong-token")).StatusCode);

        var first = await PostAsync(web.Http, firing, Token);
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(first.StatusCode == HttpStatusCode.OK, answer.ToString());
        var outcome = answer.GetProperty("alerts")[0];
        Assert.Equal(("1e4735f7f5fd94e2", "reported"), (outcome.Str("fingerprint"), outcome.Str("result")));
        var id = outcome.Str("incidentId");

        var incident = await operatorClient.IncidentOfAsync(id);
        Assert.Equal(("Silo silo-2:5082 不可达", "P1", "Metric", "Reported"),
            (incident.Str("title"), incident.Str("severity"), incident.Str("source"), incident.Str("stage")));

        // The title is the rule's catalogue message filled from the labels, in the reader's language, never the summary pair.
        var english = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}?lang=en");
        Assert.Equal("Silo silo-2:5082 is down", english.Str("title"));
        // The detail holds the alert's labels and link; the rule's own description (two languages, for Prometheus' pages) stays out.
        Assert.DoesNotContain("Prometheus has not scraped", incident.Str("detail"), StringComparison.Ordinal);
        Assert.Contains("alertname=MediaCenterSiloDown", incident.Str("detail"), StringComparison.Ordinal);

        // Alertmanager sends a firing group again every repeat_interval: the same alert (same start) is the same occurrence.
        var again = await (await PostAsync(web.Http, firing, Token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, again.GetProperty("alerts")[0].Str("incidentId"));
        Assert.Equal(1, (await operatorClient.IncidentOfAsync(id)).GetProperty("occurrences").GetInt32());

        var resolved = await PostAsync(web.Http, Fixture("alertmanager-resolved.json"), Token);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var cleared = await operatorClient.IncidentOfAsync(id);
        Assert.Equal("Resolved", cleared.Str("stage"));
        var last = cleared.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("Clear", "Reported", "Resolved"), (last.Str("command"), last.Str("from"), last.Str("to")));
        Assert.Contains("Alertmanager 2026-12-05 02:08:26Z", last.Str("text"), StringComparison.Ordinal);

        // The same alert firing later (a new start) reopens its incident rather than opening another.
        var refired = firing.Replace("2026-12-05T02:08:22Z", "2026-12-05T03:00:00Z", StringComparison.Ordinal);
        var reopened = await (await PostAsync(web.Http, refired, Token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, reopened.GetProperty("alerts")[0].Str("incidentId"));
        Assert.Equal("Reported", (await operatorClient.IncidentOfAsync(id)).Str("stage"));
    }

    [Fact]
    public async Task An_alert_of_a_rule_the_receiver_does_not_know_is_titled_as_a_platform_alert_with_its_name_and_summary()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("am-silo3");
        var web = await deployment.StartWebAsync(settings: new Dictionary<string, string> { ["Incidents__Alertmanager__Token"] = Token });
        await deployment.Identity.PlatformUserAsync("am-operator3", PlatformRoles.Operator);
        using var operatorClient = await TestIdentity.SignInAsync(web.Http, "am-operator3");
        var unknown = Fixture("alertmanager-firing.json")
            .Replace("MediaCenterSiloDown", "DiskAlmostFull", StringComparison.Ordinal)
            .Replace("Silo silo-2:5082 不可达", "磁盘将满", StringComparison.Ordinal)
            .Replace("1e4735f7f5fd94e2", "2f5846a8a60ea5f3", StringComparison.Ordinal);
        var answer = await (await PostAsync(web.Http, unknown, Token)).Content.ReadFromJsonAsync<JsonElement>();
        var id = answer.GetProperty("alerts")[0].Str("incidentId");

        Assert.Equal("平台告警 DiskAlmostFull：磁盘将满", (await operatorClient.IncidentOfAsync(id)).Str("title"));
        var english = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}?lang=en");
        Assert.Equal("Platform alert DiskAlmostFull: 磁盘将满", english.Str("title"));
    }

    [Fact]
    public async Task An_alert_named_as_a_cause_holds_terminal_alerts_while_it_fires_and_no_longer_once_resolved()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("am-silo4");
        var web = await deployment.StartWebAsync(settings: new Dictionary<string, string> { ["Incidents__Alertmanager__Token"] = Token });
        await deployment.Identity.PlatformUserAsync("am-operator4", PlatformRoles.Operator);
        using var operatorClient = await TestIdentity.SignInAsync(web.Http, "am-operator4");
        string AsBrokerDown(string json) => json.Replace("MediaCenterSiloDown", "MediaCenterMqttBrokerDown", StringComparison.Ordinal)
            .Replace("1e4735f7f5fd94e2", "3a9d0c1be2f47d65", StringComparison.Ordinal);

        var fired = await (await PostAsync(web.Http, AsBrokerDown(Fixture("alertmanager-firing.json")), Token)).Content.ReadFromJsonAsync<JsonElement>();
        var incidentId = fired.GetProperty("alerts")[0].Str("incidentId");
        var causes = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/inhibitions");
        var cause = Assert.Single(causes.EnumerateArray()).GetProperty("cause");
        Assert.Equal(("alertmanager:3a9d0c1be2f47d65", "PlatformAlert", incidentId), (cause.Str("id"), cause.Str("kind"), cause.Str("incidentId")));
        Assert.Equal("silo-2:5082 的 MQTT 代理不可用", cause.Str("title"));
        Assert.Equal(JsonValueKind.Null, cause.GetProperty("partyId").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(web.Http, AsBrokerDown(Fixture("alertmanager-resolved.json")), Token)).StatusCode);
        Assert.Empty((await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/inhibitions")).EnumerateArray());
    }

    [Fact]
    public async Task A_payload_that_is_not_alertmanagers_is_refused_with_the_reason_and_without_a_token_configured_there_is_no_receiver()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("am-silo2");
        var web = await deployment.StartWebAsync(settings: new Dictionary<string, string> { ["Incidents__Alertmanager__Token"] = Token });
        var unknownVersion = Fixture("alertmanager-firing.json").Replace("\"version\":\"4\"", "\"version\":\"3\"", StringComparison.Ordinal);
        var refused = await PostAsync(web.Http, unknownVersion, Token);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("version 为 '3'", "incident.alertmanager.wrongVersion"), (problem.Str("detail"), problem.Str("detailKey")));

        var noFingerprint = Fixture("alertmanager-firing.json").Replace("\"fingerprint\":\"1e4735f7f5fd94e2\"", "\"fingerprint\":\"\"", StringComparison.Ordinal);
        var second = await PostAsync(web.Http, noFingerprint, Token);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Contains("alerts[0]", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unconfigured = await deployment.StartWebAsync("am-web-off");
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(unconfigured.Http, Fixture("alertmanager-firing.json"), Token)).StatusCode);
    }
}
