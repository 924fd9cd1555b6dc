using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Outbound;
using Npgsql;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>
/// Webhooks cannot be turned against the inside of the network (issue 15, finding 1), on the real web and silo processes. The only
/// listener is on loopback, and the processes are not told they may reach it: it must see no connection at all.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class WebhookGuardTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Registering_a_webhook_to_an_inside_address_is_refused_with_problem_details_that_do_not_say_why()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("wg-admin", PlatformRoles.Admin);
        using var admin = await shared.SignInAsync("wg-admin");
        await using var listener = LoopbackHttp.Ok();

        var titles = new HashSet<string>();
        foreach (var url in new[]
        {
            $"http://127.0.0.1:{listener.Port}/hook", $"https://127.0.0.1:{listener.Port}/hook", $"https://[::1]:{listener.Port}/hook",
            $"https://[::ffff:127.0.0.1]:{listener.Port}/hook", $"https://localhost:{listener.Port}/hook", "https://169.254.169.254/latest/meta-data/",
            "https://[fd00:ec2::254]/latest/meta-data/", "https://100.100.100.200/latest/meta-data/", "https://10.0.0.5/hook",
            "https://192.168.1.10/hook", "https://100.64.0.1/hook", "https://[fe80::1]/hook", "https://0.0.0.0/hook",
        })
        {
            var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, audience = "ops" });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            titles.Add(problem.GetProperty("title").GetString()!);
            Assert.False(problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String, $"{url}: {detail}");
        }

        // One answer for every reason: nothing tells a prober which names resolve where.
        Assert.Single(titles);
        var stored = await admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks");
        Assert.DoesNotContain(stored.EnumerateArray(), h => h.Str("url").Contains("127.0.0.1") || h.Str("url").Contains("169.254"));
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task A_stored_webhook_that_leads_inside_is_refused_at_delivery_without_retries_and_its_history_says_only_that()
    {
        await using var listener = LoopbackHttp.Ok();
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", new Dictionary<string, string>
        {
            // Plain http is allowed so that the address, not the scheme, is what refuses these targets.
            ["Outbound__AllowHttp"] = "true",
            // A name that now answers with loopback (it may have answered with a public address when it was registered).
            ["Outbound__Hosts__hooks.rebind.test"] = "127.0.0.1",
            ["Webhooks__PollInterval"] = "00:00:00.200",
            ["Webhooks__Backoff__0"] = "00:00:01",
        });
        var web = await deployment.StartWebAsync();
        await deployment.Identity.PlatformUserAsync("wg-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "wg-admin");

        // Stored as a registration before this release would have stored them, or as one whose DNS changed since.
        var literal = await InsertWebhookAsync(deployment.ConnectionString, $"http://127.0.0.1:{listener.Port}/hook");
        var rebound = await InsertWebhookAsync(deployment.ConnectionString, $"http://hooks.rebind.test:{listener.Port}/hook");
        await admin.ReportAsync(new { title = "内网探测", detail = "webhook 指向内网", severity = "P2" });

        foreach (var hook in new[] { literal, rebound })
        {
            var deliveries = await Eventually.WaitAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{hook}/deliveries"),
                d => d.GetArrayLength() == 1 && d[0].Str("status") != "pending", TimeSpan.FromSeconds(20), "the delivery decided");
            var row = deliveries[0];
            Assert.Equal("failed", row.Str("status"));
            Assert.Equal(1, row.GetProperty("attempts").GetInt32());
            var attempt = Assert.Single(row.GetProperty("history").EnumerateArray());
            Assert.Equal("refused: the address is not allowed", attempt.Str("error"));
            Assert.Equal(JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
            Assert.Equal(0, attempt.GetProperty("durationMs").GetInt32());
        }

        // Give a retry (if there were one) time to happen: still nothing reached the listener.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, listener.Connections);
    }

    private static async Task<Guid> InsertWebhookAsync(string connectionString, string url)
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO mc.webhooks (id, audience, url, secret, created_by) VALUES (@id, 'ops', @url, 'whsec_test', @id)", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("url", url);
        await command.ExecuteNonQueryAsync();
        return id;
    }
}
