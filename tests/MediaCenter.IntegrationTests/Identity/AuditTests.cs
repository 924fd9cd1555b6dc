using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>The operation log, the login log, their search and export, and early warnings.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuditTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Every_state_change_of_a_sample_of_commands_is_in_the_operation_log()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("au-admin", PlatformRoles.Admin);
        using var admin = await shared.SignInAsync("au-admin");

        var commands = new (HttpMethod Method, string Path, object? Body, string Target)[]
        {
            (HttpMethod.Post, "/api/parties", new { id = "au-party", name = "审计测试" }, "party:au-party"),
            (HttpMethod.Post, "/api/channels", new { code = "au-channel", name = "审计频道", partyId = "au-party" }, "channel:au-channel"),
            (HttpMethod.Post, "/api/terminal-credentials/au-t1", new { partyId = "au-party" }, "terminal:au-t1"),
            (HttpMethod.Delete, "/api/terminal-credentials/au-t1", null, "terminal:au-t1"),
            (HttpMethod.Post, "/api/users", new { username = "au-editor", displayName = "编辑", password = TestIdentity.Password, partyId = "au-party", partyRole = "party-member" }, "user:"),
        };
        foreach (var (method, path, body, _) in commands)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            var response = await admin.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        }

        // A refused change is logged too.
        await shared.Deployment.Identity.PlatformUserAsync("au-auditor", PlatformRoles.Auditor);
        using var auditor = await shared.SignInAsync("au-auditor");
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/parties", new { id = "au-nope", name = "x" })).StatusCode);

        var log = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/operations?limit=1000");
        var entries = log.EnumerateArray().ToList();
        foreach (var (method, path, _, target) in commands)
        {
            var entry = entries.FirstOrDefault(e => e.GetProperty("actor").GetString() == "au-admin"
                && e.GetProperty("action").GetString()!.StartsWith(method.Method + " ", StringComparison.Ordinal)
                && (e.GetProperty("target").GetString() ?? "").StartsWith(target, StringComparison.Ordinal));
            Assert.True(entry.ValueKind == JsonValueKind.Object, $"no operation-log entry for {method} {path}");
            Assert.Equal("ok", entry.GetProperty("result").GetString());
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("correlationId").GetString()));
            Assert.Equal("127.0.0.1", entry.GetProperty("clientIp").GetString());
        }

        var created = entries.First(e => e.GetProperty("action").GetString() == "POST /api/users" && e.GetProperty("actor").GetString() == "au-admin");
        Assert.Equal("au-editor", created.GetProperty("details").GetProperty("after").GetProperty("Username").GetString());
        Assert.Contains(entries, e => e.GetProperty("actor").GetString() == "au-auditor" && e.GetProperty("result").GetString() == "denied");

        // Search by actor and result, and the CSV export of the same.
        var denied = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/operations?actor=au-auditor&result=denied");
        Assert.Equal(1, denied.GetArrayLength());
        var csv = await auditor.GetAsync("/api/audit/operations.csv?actor=au-admin");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("id,occurred_at,actor,action,target,result", text.TrimStart('\uFEFF'));
        // Each change has its attempt, logged before it ran, and its outcome; then the header.
        Assert.Equal((commands.Length * 2) + 1, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Reading_the_logs_leaves_an_entry_naming_the_reader_and_the_search()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("au-reader", PlatformRoles.Auditor);
        using var auditor = await shared.SignInAsync("au-reader");

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/audit/logins?actor=au-someone")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/audit/operations.csv?actor=au-someone")).StatusCode);

        var reads = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/operations?actor=au-reader&limit=50");
        var actions = reads.EnumerateArray().Select(e => (Action: e.GetProperty("action").GetString(), Result: e.GetProperty("result").GetString(),
            Query: e.GetProperty("details").TryGetProperty("query", out var q) ? q.GetString() : null)).ToList();
        Assert.Contains(("GET /api/audit/logins", "ok", "?actor=au-someone"), actions);
        Assert.Contains(("GET /api/audit/operations.csv", "ok", "?actor=au-someone"), actions);

        // Other reads are not logged (the log would be mostly page loads).
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/auth/me")).StatusCode);
        var after = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/operations?actor=au-reader&limit=50");
        Assert.DoesNotContain(after.EnumerateArray(), e => e.GetProperty("action").GetString() == "GET /api/auth/me");
    }

    [Fact]
    public async Task The_logs_have_no_endpoint_that_edits_them_and_the_database_refuses_edits()
    {
        var shared = await fixture.SharedAsync();
        using var anonymous = shared.Anonymous();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var auditWrites = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/audit", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Name))
            .Where(m => m != "get")
            .ToList();
        Assert.Empty(auditWrites);

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => SignInTests.ExecuteAsync(shared, "DELETE FROM mc.login_log"));
        Assert.Contains("append-only", error.MessageText);
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_raise_a_live_alert_and_an_entry()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("au-watch-admin", PlatformRoles.Admin);
        await shared.Deployment.Identity.PlatformUserAsync("au-victim", PlatformRoles.Operator);
        using var admin = await shared.SignInAsync("au-watch-admin");
        var token = admin.DefaultRequestHeaders.Authorization!.Parameter!;

        var alerts = new List<JsonElement>();
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(shared.Web.Http, "/hubs/live"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        hub.On<JsonElement>("securityAlert", alert =>
        {
            if (alert.GetProperty("subject").GetString() == "au-victim")
            {
                received.TrySetResult(alert);
            }
        });
        await hub.StartAsync();

        using var anonymous = shared.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            await anonymous.PostAsJsonAsync("/api/auth/tokens", new { username = "au-victim", password = "Guess-" + i + "-Passw0rd" });
        }

        var pushed = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("failed-sign-ins-account", pushed.GetProperty("kind").GetString());
        var stored = await admin.GetFromJsonAsync<JsonElement>("/api/audit/alerts");
        Assert.Contains(stored.EnumerateArray(), a => a.GetProperty("subject").GetString() == "au-victim");
        var entries = await admin.GetFromJsonAsync<JsonElement>("/api/audit/operations?action=security-alert&target=au-victim");
        Assert.Equal(1, entries.GetArrayLength());
        var logins = await admin.GetFromJsonAsync<JsonElement>("/api/audit/logins?actor=au-victim&result=failed");
        Assert.Equal(5, logins.GetArrayLength());
        // Newest first: the fifth failure also locked the account.
        Assert.Equal(["wrong-password-locked", "wrong-password", "wrong-password", "wrong-password", "wrong-password"],
            logins.EnumerateArray().Select(l => l.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Bulk_deletions_raise_an_alert()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        await identity.PartyAsync("au-bulk");
        await identity.PlatformUserAsync("au-deleter", PlatformRoles.Admin);
        for (var i = 0; i < 10; i++)
        {
            await identity.Terminals.IssueAsync($"au-bulk-{i}", "au-bulk", null);
        }

        using var admin = await shared.SignInAsync("au-deleter");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/terminal-credentials/au-bulk-{i}")).StatusCode);
        }

        var alerts = await admin.GetFromJsonAsync<JsonElement>("/api/audit/alerts");
        Assert.Contains(alerts.EnumerateArray(), a => a.GetProperty("kind").GetString() == "bulk-deletion" && a.GetProperty("subject").GetString() == "au-deleter");
    }
}
