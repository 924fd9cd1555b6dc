using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediaCenter.IntegrationTests.Web;

/// <summary>
/// Metrics and readiness details answer the operations network only (Observability:Networks): a client on the internet, seen
/// through the configured proxy, gets no metrics and a bare readiness status.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ObservabilityTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Metrics_and_readiness_details_answer_the_operations_network_only()
    {
        var shared = await fixture.SharedAsync();
        var web = await shared.Deployment.StartWebAsync("ob-proxied-web", new Dictionary<string, string>
        {
            ["Web__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });
        using var http = new HttpClient { BaseAddress = web.Http };

        async Task<(HttpStatusCode Metrics, JsonElement Ready)> AsAsync(string? client)
        {
            using var metrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            using var ready = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
            if (client is not null)
            {
                metrics.Headers.Add("X-Forwarded-For", client);
                ready.Headers.Add("X-Forwarded-For", client);
            }

            var status = (await http.SendAsync(metrics)).StatusCode;
            return (status, await (await http.SendAsync(ready)).Content.ReadFromJsonAsync<JsonElement>());
        }

        var internet = await AsAsync("203.0.113.50");
        Assert.Equal(HttpStatusCode.NotFound, internet.Metrics);
        Assert.Equal("Healthy", internet.Ready.GetProperty("status").GetString());
        Assert.False(internet.Ready.TryGetProperty("checks", out _));

        foreach (var operations in new[] { null, "10.20.30.40" })
        {
            var inside = await AsAsync(operations);
            Assert.Equal(HttpStatusCode.OK, inside.Metrics);
            Assert.True(inside.Ready.GetProperty("checks").TryGetProperty("cluster", out _));
        }
    }
}
