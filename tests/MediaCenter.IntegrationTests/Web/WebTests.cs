using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MediaCenter.IntegrationTests.Web;

/// <summary>client-web as a real process: health, metrics, API root, problem details, the live hub and the shell page.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class WebTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Health_endpoints_report_live_and_ready_with_database_and_cluster_checks()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        using var http = new HttpClient { BaseAddress = web.Http };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        var ready = await http.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_turns_unhealthy_when_the_cluster_is_gone_while_live_stays_up()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        using var http = new HttpClient { BaseAddress = web.Http };

        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));

        var ready = await Eventually.WaitAsync(() => http.GetAsync("/health/ready"),
            r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "ready to report 503");
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Metrics_expose_http_and_orleans_meters_in_prometheus_format()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        using var http = new HttpClient();
        await http.GetAsync(new Uri(web.Http, "/api"));

        var webMetrics = await http.GetStringAsync(new Uri(web.Http, "/metrics"));
        var siloMetrics = await http.GetStringAsync(new Uri(silo.Http, "/metrics"));

        Assert.Contains("# TYPE http_requests_received_total counter", webMetrics);
        Assert.Contains("microsoft_orleans_", webMetrics);
        Assert.Contains("microsoft_orleans_", siloMetrics);
    }

    [Fact]
    public async Task The_api_root_links_its_resources_and_unknown_paths_answer_problem_details()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        using var http = new HttpClient { BaseAddress = web.Http };

        var root = await http.GetFromJsonAsync<JsonElement>("/api");
        Assert.Equal("MediaCenter", root.GetProperty("name").GetString());
        Assert.Equal("/api/system/status", root.GetProperty("links").GetProperty("systemStatus").GetString());

        var openApi = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/system/status", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/articles/{id}/approve", out _));

        // The interactive reference is served from the package (no CDN) and reads the same document.
        var reference = await http.GetAsync("/api/reference/index.html");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("swagger-ui", await reference.Content.ReadAsStringAsync());
        Assert.Contains("/openapi/v1.json", await http.GetStringAsync("/api/reference/index.js"));

        // The Orleans Dashboard is for operators only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard/")).StatusCode);

        // Anonymous callers learn nothing about which paths exist; signed-in ones get a 404 problem.
        var anonymous = await http.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        await deployment.Identity.PlatformUserAsync("reader", "operator");
        using var signedIn = await TestIdentity.SignInAsync(web.Http, "reader");
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/dashboard/")).StatusCode);
        await deployment.Identity.PartyAsync("dash-party");
        await deployment.Identity.PartyUserAsync("dash-party-admin", "dash-party", "party-admin");
        using (var partyAdmin = await TestIdentity.SignInAsync(web.Http, "dash-party-admin"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await partyAdmin.GetAsync("/dashboard/")).StatusCode);
        }

        var missing = await signedIn.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var problem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_shell_page_is_chinese_first_and_offers_english()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("silo");
        var web = await deployment.StartWebAsync();
        using var http = new HttpClient { BaseAddress = web.Http };

        var html = await http.GetStringAsync("/");
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("文化传媒中心运营平台", html);
        var i18n = await http.GetStringAsync("/js/i18n.js");
        Assert.Contains("MediaCenter Operations", i18n);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/lib/signalr.min.js")).StatusCode);
    }

    [Fact]
    public async Task A_board_connected_to_the_live_hub_sees_a_second_silo_join_without_reloading()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("first");
        var web = await deployment.StartWebAsync(settings: new Dictionary<string, string> { ["Live__SystemStatusInterval"] = "00:00:00.5" });
        await deployment.Identity.PlatformUserAsync("watcher", "operator");
        using var http = await TestIdentity.SignInAsync(web.Http, "watcher");
        var token = http.DefaultRequestHeaders.Authorization!.Parameter!;

        var snapshot = await http.GetFromJsonAsync<JsonElement>("/api/system/status");
        Assert.Equal(1, snapshot.GetProperty("silos").GetArrayLength());

        var pushes = new List<JsonElement>();
        var twoSilos = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(web.Http, "/hubs/live"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<JsonElement>("systemStatus", status =>
        {
            lock (pushes)
            {
                pushes.Add(status);
            }

            if (status.GetProperty("silos").GetArrayLength() == 2)
            {
                twoSilos.TrySetResult(status);
            }
        });
        await connection.StartAsync();

        await deployment.StartSiloAsync("second");

        var pushed = await twoSilos.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var names = pushed.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order().ToList();
        Assert.Equal(["first", "second"], names);
        Assert.True(pushed.GetProperty("version").GetInt64() > snapshot.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Silo_addresses_reach_platform_administrators_only_in_the_snapshot_and_the_live_pushes()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("first");
        var web = await deployment.StartWebAsync(settings: new Dictionary<string, string> { ["Live__SystemStatusInterval"] = "00:00:00.5" });
        await deployment.Identity.PlatformUserAsync("addr-admin", PlatformRoles.Admin);
        await deployment.Identity.PlatformUserAsync("addr-operator", PlatformRoles.Operator);
        await deployment.Identity.PartyAsync("addr-party");
        await deployment.Identity.PartyUserAsync("addr-party-admin", "addr-party", PartyRoles.Admin);
        var readers = new Dictionary<string, HttpClient>();
        var pushed = new Dictionary<string, TaskCompletionSource<JsonElement>>();
        var connections = new List<HubConnection>();
        try
        {
            foreach (var name in new[] { "addr-admin", "addr-operator", "addr-party-admin" })
            {
                readers[name] = await TestIdentity.SignInAsync(web.Http, name);
                var token = readers[name].DefaultRequestHeaders.Authorization!.Parameter!;
                var two = pushed[name] = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(web.Http, "/hubs/live"), HttpTransportType.WebSockets, o =>
                    {
                        o.SkipNegotiation = true;
                        o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    })
                    .Build();
                connection.On<JsonElement>("systemStatus", status =>
                {
                    if (status.GetProperty("silos").GetArrayLength() == 2)
                    {
                        two.TrySetResult(status);
                    }
                });
                connections.Add(connection);
                await connection.StartAsync();
            }

            await deployment.StartSiloAsync("second");

            // The administrator sees where each silo listens; the others see the silos, their health and count, no address.
            static List<string?> Addresses(JsonElement status) =>
                status.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("address").GetString()).ToList();
            var adminPush = await pushed["addr-admin"].Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.All(Addresses(adminPush), a => Assert.Matches(@"^\S+:\d+@\d+$", a));
            foreach (var name in new[] { "addr-operator", "addr-party-admin" })
            {
                var push = await pushed[name].Task.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(["first", "second"], push.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order());
                Assert.All(Addresses(push), Assert.Null);
                Assert.All(push.GetProperty("silos").EnumerateArray(), s => Assert.Equal("Active", s.GetProperty("status").GetString()));

                var snapshot = await readers[name].GetFromJsonAsync<JsonElement>("/api/system/status");
                Assert.Equal(2, snapshot.GetProperty("silos").GetArrayLength());
                Assert.All(Addresses(snapshot), Assert.Null);
                Assert.DoesNotContain(Addresses(adminPush)[0]!, JsonSerializer.Serialize(snapshot));
                // The web instance too is only a name to tell instances apart: not its host name and process id.
                Assert.Matches("^web-[0-9a-f]{12}$", snapshot.GetProperty("webInstance").GetString());
                Assert.Equal(snapshot.GetProperty("webInstance").GetString(), push.GetProperty("webInstance").GetString());
            }

            var full = await readers["addr-admin"].GetFromJsonAsync<JsonElement>("/api/system/status");
            Assert.Equal(Addresses(adminPush).Order(), Addresses(full).Order());
            Assert.Matches(@"^\S+:\d+$", full.GetProperty("webInstance").GetString());
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            foreach (var reader in readers.Values)
            {
                reader.Dispose();
            }
        }
    }
}
