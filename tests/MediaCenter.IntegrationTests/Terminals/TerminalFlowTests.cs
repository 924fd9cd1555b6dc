using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.IntegrationTests.Terminals;

/// <summary>Terminals end to end on the embedded broker: registration, heartbeats into grains, deadlines, bad payloads.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class TerminalFlowTests(IntegrationFixture fixture)
{
    private sealed record Setup(Deployment Deployment, TestProcess Silo, TestProcess Web, TestProcess Gateway, HttpClient Admin) : IAsyncDisposable
    {
        public int MqttPort => int.Parse(Gateway["Mqtt__Port"]);

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            await Deployment.DisposeAsync();
        }
    }

    private async Task<Setup> StartAsync()
    {
        var deployment = await fixture.NewDeploymentAsync();
        try
        {
            var silo = await deployment.StartSiloAsync("silo");
            var web = await deployment.StartWebAsync();
            var gateway = await deployment.StartGatewayAsync();
            await deployment.Identity.PartyAsync("tf-party");
            await deployment.Identity.PartyUserAsync("tf-admin", "tf-party", PartyRoles.Admin);
            return new Setup(deployment, silo, web, gateway, await TestIdentity.SignInAsync(web.Http, "tf-admin"));
        }
        catch
        {
            // Half a setup still has processes running: they stop here, since no Setup will dispose them.
            await deployment.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> RegisterAsync(Setup setup, string id, int heartbeatSeconds = 1, int? timeoutSeconds = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/terminals")
        {
            Content = JsonContent.Create(new { id, name = "测试终端 " + id, kind = "Kiosk", region = "北区", heartbeatIntervalSeconds = heartbeatSeconds, offlineTimeoutSeconds = timeoutSeconds }),
        };
        request.Headers.Add("Idempotency-Key", "register-" + id);
        var response = await setup.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unknown", body.GetProperty("terminal").GetProperty("health").GetString());
        return body.GetProperty("mqtt").GetProperty("password").GetString()!;
    }

    private static async Task<IMqttClient> ConnectAsync(Setup setup, string id, string secret, bool lastWill = true)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", setup.MqttPort).WithClientId(id).WithCredentials(id, secret);
        if (lastWill)
        {
            options = options.WithWillTopic($"mc/t/{id}/state").WithWillPayload("offline").WithWillRetain();
        }

        await client.ConnectAsync(options.Build());
        return client;
    }

    private static Task<JsonElement> TerminalAsync(Setup setup, string id) => setup.Admin.GetFromJsonAsync<JsonElement>($"/api/terminals/{id}");

    [Fact]
    public async Task Heartbeats_bring_a_terminal_online_and_silence_takes_it_offline_at_its_deadline()
    {
        await using var setup = await StartAsync();
        var secret = await RegisterAsync(setup, "tf-k1", heartbeatSeconds: 1, timeoutSeconds: 3);
        using var terminal = await ConnectAsync(setup, "tf-k1", secret);

        for (var i = 0; i < 3; i++)
        {
            await terminal.PublishStringAsync("mc/t/tf-k1/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
            await Task.Delay(500);
        }

        var online = await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-k1"), t => t.GetProperty("health").GetString() == "Online",
            TimeSpan.FromSeconds(10), "the terminal online");

        // A heartbeat that carries its send time is measured from it to the grain (the ingest lag metric of benchmark B1).
        await terminal.PublishStringAsync("mc/t/tf-k1/hb", $"{{\"v\":1,\"ts\":\"{DateTimeOffset.UtcNow:O}\"}}", MqttQualityOfServiceLevel.AtLeastOnce);
        using var silo = new HttpClient { BaseAddress = setup.Silo.Http };
        var metrics = await Eventually.WaitAsync(() => silo.GetStringAsync("/metrics"),
            m => m.Contains("mediacenter_terminal_ingest_lag_seconds_count{from=\"sent\"} 1", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the lag metric");
        Assert.Contains("mediacenter_terminal_messages_applied_total{kind=\"heartbeat\"} 4", metrics, StringComparison.Ordinal);
        await terminal.PublishStringAsync("mc/t/tf-k1/telemetry", "{\"v\":1,\"cpu\":12.5,\"mem\":40,\"disk\":60,\"temp\":41,\"screenOn\":true,\"appVersion\":\"2.3.1\",\"errors\":0}",
            MqttQualityOfServiceLevel.AtLeastOnce);

        // Silence (the connection stays open): offline at last heartbeat + 3 s.
        var offline = await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-k1"), t => t.GetProperty("health").GetString() == "Offline",
            TimeSpan.FromSeconds(15), "the terminal offline");
        var lastSeen = offline.GetProperty("lastSeen").GetDateTimeOffset();
        var since = offline.GetProperty("healthSince").GetDateTimeOffset();
        // Offline at the deadline, at most a second late (the target of benchmark B2).
        Assert.InRange(since - lastSeen, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
        Assert.Equal(12.5, offline.GetProperty("telemetry").GetProperty("cpu").GetDouble());

        // The read model and the alert for incidents.
        var fleet = await setup.Admin.GetFromJsonAsync<JsonElement>("/api/terminals");
        Assert.Equal(1, fleet.GetProperty("byHealth").GetProperty("Offline").GetInt32());
        Assert.Equal(1, await ScalarAsync(setup, "SELECT count(*) FROM mc.event_log WHERE entity_id = 'tf-k1' AND event_type = 'terminal.offline' AND payload->>'dedupKey' = 'terminal:tf-k1:offline'"));
        var feed = await setup.Admin.GetFromJsonAsync<JsonElement>("/api/terminals/alerts");
        Assert.Equal("terminal.offline", feed[0].GetProperty("type").GetString());
        Assert.Equal("missed-heartbeats", feed[0].GetProperty("reason").GetString());

        // Telemetry history (bucketed) is stored for the charts.
        var history = await Eventually.WaitAsync(() => setup.Admin.GetFromJsonAsync<JsonElement>("/api/terminals/tf-k1/telemetry"),
            h => h.GetArrayLength() >= 1, TimeSpan.FromSeconds(10), "a telemetry bucket");
        Assert.Equal(12.5, history[0].GetProperty("cpuAvg").GetDouble());

        // It comes back.
        await terminal.PublishStringAsync("mc/t/tf-k1/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-k1"), t => t.GetProperty("health").GetString() == "Online",
            TimeSpan.FromSeconds(10), "the terminal online again");
    }

    [Fact]
    public async Task A_lost_connection_makes_a_terminal_offline_at_once()
    {
        await using var setup = await StartAsync();
        var secret = await RegisterAsync(setup, "tf-k2", heartbeatSeconds: 60);
        var terminal = await ConnectAsync(setup, "tf-k2", secret);
        await terminal.PublishStringAsync("mc/t/tf-k2/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-k2"), t => t.GetProperty("health").GetString() == "Online", TimeSpan.FromSeconds(10), "online");

        // Its deadline is three minutes away; a dropped connection must not wait for it.
        await terminal.DisconnectAsync();
        terminal.Dispose();
        var offline = await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-k2"), t => t.GetProperty("health").GetString() == "Offline",
            TimeSpan.FromSeconds(5), "offline after the disconnect");
        Assert.True(offline.GetProperty("healthSince").GetDateTimeOffset() < offline.GetProperty("lastSeen").GetDateTimeOffset() + TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Ten_thousand_malformed_or_random_payloads_crash_nothing_and_are_counted()
    {
        await using var setup = await StartAsync();
        var secret = await RegisterAsync(setup, "tf-fuzz", heartbeatSeconds: 60);
        using var terminal = await ConnectAsync(setup, "tf-fuzz", secret, lastWill: false);
        var random = new Random(7);
        string[] kinds = ["hb", "telemetry", "evt", "state"];
        string[] shapes =
        [
            "{", "[]", "null", "{\"v\":2}", "{\"v\":\"1\"}", "{\"v\":1,\"cpu\":\"hot\"}", "{\"v\":1,\"cpu\":140}", "{\"v\":1,\"ts\":\"yesterday\"}",
            "{\"v\":1,\"ts\":\"2001-01-01T00:00:00Z\"}", "{\"v\":1,\"type\":\"party\"}", "{\"v\":1,\"errors\":-3}", "maybe", new string('[', 100),
        ];
        for (var i = 0; i < 10_000; i++)
        {
            var kind = kinds[random.Next(kinds.Length)];
            byte[] payload;
            if (i % 3 == 0)
            {
                payload = new byte[random.Next(0, i % 300 == 0 ? 6000 : 300)];
                random.NextBytes(payload);
            }
            else
            {
                payload = System.Text.Encoding.UTF8.GetBytes(shapes[random.Next(shapes.Length)]);
            }

            await terminal.PublishBinaryAsync($"mc/t/tf-fuzz/{kind}", payload, MqttQualityOfServiceLevel.AtMostOnce);
        }

        await terminal.PublishStringAsync("mc/t/tf-fuzz/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        using var http = new HttpClient { BaseAddress = setup.Gateway.Http };
        var metrics = await Eventually.WaitAsync(() => http.GetStringAsync("/metrics"),
            m => DroppedTotal(m) + Received(m, "hb") + Received(m, "telemetry") + Received(m, "evt") + Received(m, "state") >= 10_001,
            TimeSpan.FromSeconds(30), "every message accounted for");
        Assert.True(DroppedTotal(metrics) > 9_000, $"dropped {DroppedTotal(metrics)}");
        Assert.Contains("reason=\"invalid_json\"", metrics);
        Assert.Contains("reason=\"payload_too_large\"", metrics);
        Assert.Contains("reason=\"clock_skew\"", metrics);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.True(terminal.IsConnected);

        // Logged, but at a bounded rate: one line per reason per 10 s, not one per message.
        var logged = setup.Gateway.Process.Tail(200_000).Split('\n').Count(l => l.Contains("Dropped a message", StringComparison.Ordinal));
        Assert.InRange(logged, 1, 40);
        await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-fuzz"), t => t.GetProperty("health").GetString() == "Online", TimeSpan.FromSeconds(10), "the valid heartbeat applied");
    }

    [Fact]
    public async Task Maintenance_and_inspections_through_the_api()
    {
        await using var setup = await StartAsync();
        await RegisterAsync(setup, "tf-k3", heartbeatSeconds: 30);

        var maintenance = await setup.Admin.PutAsJsonAsync("/api/terminals/tf-k3/maintenance", new { on = true });
        Assert.Equal("Maintenance", (await maintenance.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("health").GetString());

        var inspected = await setup.Admin.PostAsJsonAsync("/api/terminals/tf-k3/inspections", new { findings = "外观完好，触控正常", passed = true });
        Assert.Equal(HttpStatusCode.OK, inspected.StatusCode);
        var body = await inspected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.InRange(body.GetProperty("inspectionDue").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromDays(181), TimeSpan.FromDays(183));

        // An inspection six months and a day ago makes it overdue.
        await setup.Admin.PostAsJsonAsync("/api/terminals", new { id = "tf-k4", name = "旧终端", kind = "Screen", region = "北区", heartbeatIntervalSeconds = 30 });
        await setup.Admin.PostAsJsonAsync("/api/terminals/tf-k4/inspections", new { at = DateTimeOffset.UtcNow.AddDays(-200), findings = "上次巡检", passed = true });
        var overdue = await Eventually.WaitAsync(() => setup.Admin.GetFromJsonAsync<JsonElement>("/api/terminals/inspections/overdue"),
            o => o.GetArrayLength() == 1, TimeSpan.FromSeconds(5), "one overdue terminal");
        Assert.Equal("tf-k4", overdue[0].GetProperty("id").GetString());

        // Each inspection is in the event log with when it had been due: k3's first was on time, k4's back-dated one too (it was
        // made before its registration's six months ran out), and both say they passed.
        Assert.Equal(2L, await ScalarAsync(setup, """
            SELECT count(*) FROM mc.event_log WHERE entity_type = 'inspection' AND entity_id IN ('tf-k3', 'tf-k4')
               AND event_type = 'terminal.inspected' AND (payload ->> 'onTime')::boolean AND (payload ->> 'passed')::boolean
               AND payload ->> 'dueAt' IS NOT NULL AND payload ->> 'application' = 'default'
            """));
    }

    [Fact]
    public async Task A_command_reaches_the_terminal_and_its_acknowledgement_settles_it()
    {
        await using var setup = await StartAsync();
        var secret = await RegisterAsync(setup, "tf-cmd", heartbeatSeconds: 30);
        using var terminal = await ConnectAsync(setup, "tf-cmd", secret);
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        terminal.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone());
            return Task.CompletedTask;
        };
        await terminal.SubscribeAsync("mc/t/tf-cmd/cmd", MqttQualityOfServiceLevel.AtLeastOnce);
        await Task.Delay(500);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/terminals/tf-cmd/commands")
        {
            Content = JsonContent.Create(new { type = "Notice", text = "今日 18:00 闭馆" }),
        };
        request.Headers.Add("Idempotency-Key", "notice-1");
        var sent = await setup.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        var command = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var commandId = command.GetProperty("id").GetString()!;
        // The id names the command, not the caller's key, and stays within what an acknowledgement may carry.
        Assert.Matches("^cmd-[0-9a-f]{32}$", commandId);
        Assert.Equal((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString(), commandId);
        Assert.Equal("notice", command.GetProperty("type").GetString());
        Assert.Equal("今日 18:00 闭馆", command.GetProperty("text").GetString());

        // The same caller's retry is the same command; another person of the party sending the same key sends a command of their own.
        Assert.Equal(commandId, (await (await SendNoticeAsync(setup.Admin, "notice-1")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        await setup.Deployment.Identity.PartyUserAsync("tf-admin2", "tf-party", PartyRoles.Admin);
        using var colleague = await TestIdentity.SignInAsync(setup.Web.Http, "tf-admin2");
        var theirs = (await (await SendNoticeAsync(colleague, "notice-1")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.NotEqual(commandId, theirs);

        await terminal.PublishStringAsync("mc/t/tf-cmd/ack", $"{{\"v\":1,\"id\":\"{commandId}\",\"ok\":true,\"message\":\"shown\"}}", MqttQualityOfServiceLevel.AtLeastOnce);
        var settled = await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-cmd"),
            t => t.GetProperty("commands").EnumerateArray().Any(c => c.GetProperty("id").GetString() == commandId && c.GetProperty("status").GetString() == "Acknowledged"),
            TimeSpan.FromSeconds(10), "the command acknowledged");
        Assert.Equal("shown", settled.GetProperty("commands").EnumerateArray().Single(c => c.GetProperty("id").GetString() == commandId).GetProperty("message").GetString());
    }

    private static async Task<HttpResponseMessage> SendNoticeAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/terminals/tf-cmd/commands")
        {
            Content = JsonContent.Create(new { type = "Notice", text = "今日 18:00 闭馆" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response;
    }

    [Fact]
    public async Task Daily_usage_lands_in_the_database_and_is_reported()
    {
        await using var setup = await StartAsync();
        var secret = await RegisterAsync(setup, "tf-use", heartbeatSeconds: 30);
        using var terminal = await ConnectAsync(setup, "tf-use", secret);
        for (var i = 0; i < 4; i++)
        {
            await terminal.PublishStringAsync("mc/t/tf-use/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await terminal.PublishStringAsync("mc/t/tf-use/evt", "{\"v\":1,\"type\":\"session\",\"count\":2}", MqttQualityOfServiceLevel.AtLeastOnce);
        await terminal.PublishStringAsync("mc/t/tf-use/evt", "{\"v\":1,\"type\":\"interaction\",\"count\":5}", MqttQualityOfServiceLevel.AtLeastOnce);

        var report = await Eventually.WaitAsync(() => setup.Admin.GetFromJsonAsync<JsonElement>("/api/terminals/activity"),
            r => r.GetArrayLength() == 1 && r[0].GetProperty("heartbeats").GetInt32() == 4 && r[0].GetProperty("interactions").GetInt32() == 5,
            TimeSpan.FromSeconds(15), "the usage row");
        Assert.Equal(2, report[0].GetProperty("sessions").GetInt32());
        var csv = await setup.Admin.GetStringAsync("/api/terminals/activity.csv");
        Assert.Contains(",tf-use,tf-party,4,2,5,", csv);
    }

    [Fact]
    public async Task The_patrol_checks_the_running_system_stores_its_report_and_records_anomalies()
    {
        await using var setup = await StartAsync();
        await RegisterAsync(setup, "tf-p1", heartbeatSeconds: 1, timeoutSeconds: 2);
        var secret = await RegisterAsync(setup, "tf-p2", heartbeatSeconds: 1, timeoutSeconds: 2);
        using (var terminal = await ConnectAsync(setup, "tf-p2", secret, lastWill: false))
        {
            await terminal.PublishStringAsync("mc/t/tf-p2/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await Eventually.WaitAsync(() => TerminalAsync(setup, "tf-p2"), t => t.GetProperty("health").GetString() == "Offline", TimeSpan.FromSeconds(10), "offline");
        await setup.Deployment.Identity.PlatformUserAsync("tf-operator", PlatformRoles.Operator);
        using var operatorClient = await TestIdentity.SignInAsync(setup.Web.Http, "tf-operator");

        var run = await operatorClient.PostAsync("/api/patrol/run", null);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        var report = await run.Content.ReadFromJsonAsync<JsonElement>();
        var checks = report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        Assert.Equal("Ok", checks["database"].GetProperty("status").GetString());
        Assert.Equal("Ok", checks["silos"].GetProperty("status").GetString());
        Assert.Equal("Warning", checks["terminals"].GetProperty("status").GetString());
        Assert.Contains("已登记 2 台，离线 1 台", checks["terminals"].GetProperty("detail").GetString());
        // The data flows (F8.4), read from the running system: a web instance and a gateway are up, nothing is late or queued.
        Assert.Equal("Ok", checks["web"].GetProperty("status").GetString());
        Assert.True(checks["web"].GetProperty("figures").GetProperty("instances").GetInt64() >= 1);
        Assert.Equal(("Ok", "patrol.gateways.ok"), (checks["gateways"].GetProperty("status").GetString(), checks["gateways"].GetProperty("code").GetString()));
        Assert.Equal(("Ok", 0), (checks["publishing"].GetProperty("status").GetString(),
            checks["publishing"].GetProperty("figures").GetProperty("scheduledLate").GetInt32()));
        Assert.Equal(("Ok", 0), (checks["feeds"].GetProperty("status").GetString(), checks["feeds"].GetProperty("figures").GetProperty("notServed").GetInt32()));
        Assert.Equal(("Ok", 0), (checks["webhooks"].GetProperty("status").GetString(), checks["webhooks"].GetProperty("figures").GetProperty("overdue").GetInt32()));
        // Data quality (F10.3) runs its queries on the real schema under the application's role: nothing is orphaned or expired here.
        Assert.Equal(("Ok", 0), (checks["dataQuality"].GetProperty("status").GetString(), checks["dataQuality"].GetProperty("figures").GetProperty("orphans").GetInt32()));

        var stored = await operatorClient.GetFromJsonAsync<JsonElement>("/api/patrol/reports");
        Assert.Equal(report.GetProperty("id").GetInt64(), stored[0].GetProperty("id").GetInt64());
        Assert.Equal("warning", stored[0].GetProperty("status").GetString());
        Assert.True(await ScalarAsync(setup, "SELECT count(*) FROM mc.event_log WHERE entity_type = 'patrol' AND entity_id = 'terminals' AND payload->>'dedupKey' = 'patrol:terminals'") >= 1);
    }

    private static double Received(string metrics, string kind) => Value(metrics, $"mediacenter_mqtt_messages_received_total{{kind=\"{kind}\"}}");

    private static double DroppedTotal(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("mediacenter_mqtt_messages_dropped_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static double Value(string metrics, string series) =>
        metrics.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();

    private static async Task<long> ScalarAsync(Setup setup, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(setup.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
