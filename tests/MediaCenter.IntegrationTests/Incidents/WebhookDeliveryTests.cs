using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Incidents;

/// <summary>Webhooks on real processes: signed deliveries to a local receiver, retried with the configured backoff, every attempt recorded.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class WebhookDeliveryTests(IntegrationFixture fixture)
{
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    /// <summary>The signature a receiver computes: "sha256=" + hex HMAC-SHA256(secret, "{timestamp}.{raw body}").</summary>
    private static string Signature(string secret, string timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>The receivers here are plain http on loopback: both processes must be told that these may be reached.</summary>
    internal static readonly Dictionary<string, string> LoopbackReceiversAllowed = new()
    {
        ["Outbound__AllowHttp"] = "true",
        ["Outbound__AllowedNetworks__0"] = "127.0.0.1/32",
    };

    [Fact]
    public async Task A_failing_receiver_gets_the_same_signed_delivery_until_it_answers_and_every_attempt_is_recorded()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", new Dictionary<string, string>(LoopbackReceiversAllowed)
        {
            ["Webhooks__Backoff__0"] = "00:00:01",
            ["Webhooks__Backoff__1"] = "00:00:01",
            ["Webhooks__Backoff__2"] = "00:00:01",
            ["Webhooks__PollInterval"] = "00:00:00.200",
        });
        var web = await deployment.StartWebAsync(settings: LoopbackReceiversAllowed);
        await deployment.Identity.PlatformUserAsync("wh-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "wh-admin");
        await using var receiver = HookReceiver.Start(failFirst: 2);

        var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = new Uri(receiver.Url, "hooks/ops").ToString(), audience = "ops" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hook = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = hook.Str("secret");
        var hookId = hook.GetProperty("webhook").Str("id");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal("ops", hook.GetProperty("webhook").Str("audience"));
        // The secret is shown once: the list never has it.
        Assert.DoesNotContain(secret, await admin.GetStringAsync("/api/v1/webhooks"), StringComparison.Ordinal);

        var incident = await admin.ReportAsync(new { title = "稿件接口超时", detail = "网关 502 比例 12%", severity = "P2" });
        var incidentId = incident.Str("id");

        // Three attempts: the first at once, each retry one backoff (1 s) after the failure before it.
        var clock = Stopwatch.StartNew();
        while (receiver.Received.Count < 3 && clock.Elapsed < TimeSpan.FromSeconds(25))
        {
            await Task.Delay(100);
        }

        var received = receiver.Received;
        var deliveries = await admin.GetStringAsync($"/api/v1/webhooks/{hookId}/deliveries");
        Assert.True(received.Count >= 3,
            $"with Webhooks:Backoff = 1 s, 1 s, 1 s the third attempt should come within seconds; after {clock.Elapsed.TotalSeconds:0} s the receiver got " +
            $"[{string.Join(", ", received)}]; the deliveries: {deliveries}");
        Assert.Equal(3, received.Count);
        Assert.Equal([500, 500, 200], received.Select(r => r.AnsweredWith));
        Assert.InRange(received[1].At - received[0].At, Backoff * 0.9, Backoff * 10);
        Assert.InRange(received[2].At - received[1].At, Backoff * 0.9, Backoff * 10);

        // The same delivery every time, each attempt signed over its own timestamp.
        var delivery = received[0].Header("X-MediaCenter-Delivery");
        Assert.False(string.IsNullOrEmpty(delivery));
        foreach (var attempt in received)
        {
            Assert.Equal("/hooks/ops", attempt.Path);
            Assert.Equal(delivery, attempt.Header("X-MediaCenter-Delivery"));
            Assert.Equal("incident.reported", attempt.Header("X-MediaCenter-Event"));
            Assert.StartsWith("application/json", attempt.Header("Content-Type"), StringComparison.Ordinal);
            Assert.Equal(received[0].Text, attempt.Text);
            var timestamp = attempt.Header("X-MediaCenter-Timestamp")!;
            Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
            Assert.Equal(Signature(secret, timestamp, attempt.Body), attempt.Header("X-MediaCenter-Signature"));
            Assert.NotEqual(Signature("whsec_wrong", timestamp, attempt.Body), attempt.Header("X-MediaCenter-Signature"));
        }

        var payload = JsonDocument.Parse(received[0].Text).RootElement;
        Assert.Equal((incidentId, "ops", "incident.reported", "P2"), (payload.Str("incidentId"), payload.Str("audience"), payload.Str("kind"), payload.Str("severity")));
        Assert.Equal($"{incidentId}:1:ops", payload.Str("id"));
        Assert.Equal("稿件接口超时", payload.Str("title"));
        Assert.Equal("/incidents/" + incidentId, payload.Str("link"));

        // The history: one delivery (the management notification is not for this hook), delivered on the third of three attempts.
        var recorded = await Eventually.WaitAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{hookId}/deliveries"),
            d => d.GetArrayLength() == 1 && d[0].Str("status") == "delivered", TimeSpan.FromSeconds(10), "the delivery recorded as delivered");
        var row = recorded[0];
        Assert.Equal(delivery, row.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"{incidentId}:1:ops", row.Str("notificationId"));
        Assert.Equal(3, row.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.String, row.GetProperty("deliveredAt").ValueKind);
        var history = row.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], history.Select(h => h.GetProperty("attempt").GetInt32()));
        Assert.Equal([500, 500, 200], history.Select(h => h.GetProperty("statusCode").GetInt32()));
        Assert.Equal(["HTTP 500", "HTTP 500"], history.Take(2).Select(h => h.Str("error")));
        Assert.Equal(JsonValueKind.Null, history[2].GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task A_webhook_secret_is_nowhere_in_the_database_in_clear_and_one_stored_in_clear_before_is_sealed_when_a_silo_starts()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", LoopbackReceiversAllowed);
        var web = await deployment.StartWebAsync(settings: LoopbackReceiversAllowed);
        await deployment.Identity.PlatformUserAsync("ws-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "ws-admin");

        var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hooks", audience = "ops" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hook = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = hook.Str("secret");
        var id = Guid.Parse(hook.GetProperty("webhook").Str("id"));

        // The delivery table holds it sealed; neither it, the grain's stored state, the event log nor the operation log holds it in clear.
        await using var connection = new Npgsql.NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        var stored = await ScalarAsync<string>(connection, "SELECT secret FROM mc.webhooks WHERE id = @id", ("id", id));
        Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(connection, """
            SELECT (SELECT count(*) FROM OrleansStorage WHERE position(convert_to(@s, 'UTF8') IN coalesce(PayloadBinary, ''::bytea)) > 0)
                 + (SELECT count(*) FROM mc.event_log e WHERE e::text LIKE '%' || @s || '%')
                 + (SELECT count(*) FROM mc.audit_log a WHERE a::text LIKE '%' || @s || '%')
                 + (SELECT count(*) FROM mc.webhooks w WHERE w::text LIKE '%' || @s || '%')
            """, ("s", secret)));

        // A webhook whose secret an earlier version stored in clear: the next silo to start seals it.
        var legacy = Guid.NewGuid();
        await using (var insert = new Npgsql.NpgsqlCommand(
            "INSERT INTO mc.webhooks (id, audience, url, secret, created_by) VALUES (@id, 'ops', 'http://127.0.0.1:9/old', 'whsec_legacy', @by)", connection))
        {
            insert.Parameters.AddWithValue("id", legacy);
            insert.Parameters.AddWithValue("by", Guid.NewGuid());
            await insert.ExecuteNonQueryAsync();
        }

        await deployment.StartSiloAsync("silo-2", LoopbackReceiversAllowed);
        var sealedLegacy = await Eventually.WaitAsync(() => ScalarAsync<string>(connection, "SELECT secret FROM mc.webhooks WHERE id = @id", ("id", legacy)),
            v => v.StartsWith("dp1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the legacy secret sealed");
        Assert.DoesNotContain("whsec_legacy", sealedLegacy, StringComparison.Ordinal);
        Assert.Equal(stored, await ScalarAsync<string>(connection, "SELECT secret FROM mc.webhooks WHERE id = @id", ("id", id)));
    }

    private static async Task<T> ScalarAsync<T>(Npgsql.NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_receiver_reads_the_notification_as_Chinese_sentences_never_as_encoded_messages_or_paired_with_English()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", new Dictionary<string, string>(LoopbackReceiversAllowed) { ["Webhooks__PollInterval"] = "00:00:00.200" });
        var web = await deployment.StartWebAsync(settings: LoopbackReceiversAllowed);
        await deployment.Identity.PlatformUserAsync("whl-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "whl-admin");
        await using var receiver = HookReceiver.Start(failFirst: 0);
        var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = new Uri(receiver.Url, "hooks/ops").ToString(), audience = "ops" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).Str("secret");

        await admin.ReportAsync(new { title = "稿件接口超时", detail = "网关 502 比例 12%", severity = "P2" });
        await Eventually.WaitAsync(() => Task.FromResult(receiver.Received.Count), n => n >= 1, TimeSpan.FromSeconds(20), "the delivery");

        var delivery = receiver.Received[0];
        // The body is the catalogue's sentence in Chinese (the default), with the person's title and detail in it as they wrote them.
        Assert.Equal("P2 稿件接口超时：网关 502 比例 12%", JsonDocument.Parse(delivery.Text).RootElement.Str("body"));
        Assert.DoesNotContain(delivery.Text, c => c is >= '\uE000' and <= '\uE003');
        Assert.DoesNotContain(" / ", delivery.Text, StringComparison.Ordinal);
        // Signed over what was sent, not over what was stored.
        Assert.Equal(Signature(secret, delivery.Header("X-MediaCenter-Timestamp")!, delivery.Body), delivery.Header("X-MediaCenter-Signature"));
    }

    [Fact]
    public async Task Each_receiver_reads_the_notification_in_its_webhooks_language_and_an_unknown_language_is_refused()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo", new Dictionary<string, string>(LoopbackReceiversAllowed) { ["Webhooks__PollInterval"] = "00:00:00.200" });
        var web = await deployment.StartWebAsync(settings: LoopbackReceiversAllowed);
        await deployment.Identity.PlatformUserAsync("whlang-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(web.Http, "whlang-admin");
        await using var english = HookReceiver.Start(failFirst: 0);
        await using var chinese = HookReceiver.Start(failFirst: 0);

        var en = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = new Uri(english.Url, "hooks/en").ToString(), audience = "ops", language = "en" });
        var zh = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = new Uri(chinese.Url, "hooks/zh").ToString(), audience = "ops", language = "zh-CN" });
        var french = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = new Uri(chinese.Url, "hooks/fr").ToString(), audience = "ops", language = "fr" });
        Assert.Equal(HttpStatusCode.Created, en.StatusCode);
        Assert.Equal(HttpStatusCode.Created, zh.StatusCode);
        Assert.Equal("en", (await en.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhook").Str("language"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, french.StatusCode);
        var refusal = await french.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Invalid", refusal.Str("code"));
        Assert.Contains("fr", refusal.Str("detail"), StringComparison.Ordinal);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks");
        Assert.Equal(["en", "zh-CN"], listed.EnumerateArray().Select(h => h.Str("language")).Order(StringComparer.Ordinal));

        await admin.ReportAsync(new { title = "稿件接口超时", detail = "网关 502 比例 12%", severity = "P2" });
        await Eventually.WaitAsync(() => Task.FromResult(english.Received.Count + chinese.Received.Count), n => n >= 2, TimeSpan.FromSeconds(20), "both deliveries");

        // The same notification, its sentence in each webhook's language (the person's title and detail as they wrote them).
        var inEnglish = JsonDocument.Parse(english.Received[0].Text).RootElement;
        var inChinese = JsonDocument.Parse(chinese.Received[0].Text).RootElement;
        Assert.Equal(inChinese.Str("id"), inEnglish.Str("id"));
        Assert.Equal("P2 稿件接口超时: 网关 502 比例 12%", inEnglish.Str("body"));
        Assert.Equal("P2 稿件接口超时：网关 502 比例 12%", inChinese.Str("body"));
        foreach (var delivery in new[] { english.Received[0], chinese.Received[0] })
        {
            Assert.DoesNotContain(delivery.Text, c => c is >= '\uE000' and <= '\uE003');
        }
    }
}
