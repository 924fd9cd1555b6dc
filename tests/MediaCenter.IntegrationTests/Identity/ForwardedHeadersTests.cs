using System.Net;
using System.Net.Http.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>
/// Behind a TLS proxy (issue 15, finding 2): forwarded headers are believed from configured proxies only; then logs and rate limits
/// see the real client and HSTS is sent. The session cookie is Secure and host-only whatever the request looked like.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ForwardedHeadersTests(IntegrationFixture fixture)
{
    private static HttpRequestMessage Forwarded(HttpMethod method, string path, string client, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    [Fact]
    public async Task Forwarded_headers_are_believed_only_from_a_configured_proxy()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("fh-admin", PlatformRoles.Admin);
        var proxied = await shared.Deployment.StartWebAsync("fh-proxied-web", new Dictionary<string, string>
        {
            ["Web__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });

        // Not a configured proxy: a client claiming another address and https is not believed.
        using var direct = await shared.SignInAsync("fh-admin");
        var spoofed = await direct.SendAsync(Forwarded(HttpMethod.Post, "/api/parties", "198.51.100.23", new { id = "fh-direct", name = "直连" }));
        Assert.Equal(HttpStatusCode.Created, spoofed.StatusCode);
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));

        // Through the configured proxy: the client the proxy saw, and HSTS because the client used TLS.
        using var viaProxy = await TestIdentity.SignInAsync(proxied.Http, "fh-admin");
        var forwarded = await viaProxy.SendAsync(Forwarded(HttpMethod.Post, "/api/parties", "203.0.113.77", new { id = "fh-proxied", name = "经代理" }));
        Assert.Equal(HttpStatusCode.Created, forwarded.StatusCode);
        Assert.StartsWith("max-age=", forwarded.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);

        Assert.Equal(["127.0.0.1"], await SignInTests.ScalarListAsync(shared, "SELECT client_ip FROM mc.audit_log WHERE target = 'party:fh-direct'"));
        Assert.Equal(["203.0.113.77"], await SignInTests.ScalarListAsync(shared, "SELECT client_ip FROM mc.audit_log WHERE target = 'party:fh-proxied'"));
    }

    [Fact]
    public async Task Behind_a_proxy_the_sign_in_limit_counts_each_client_not_the_proxy()
    {
        var shared = await fixture.SharedAsync();
        var proxied = await shared.Deployment.StartWebAsync("fh-limited-web", new Dictionary<string, string>
        {
            ["Web__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
            ["Identity__SignInRatePerMinute"] = "3",
        });
        using var http = new HttpClient { BaseAddress = proxied.Http };

        async Task<HttpStatusCode> AttemptAsync(string client) =>
            (await http.SendAsync(Forwarded(HttpMethod.Post, "/api/auth/tokens", client, new { username = "nobody", password = "x" }))).StatusCode;

        var noisy = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            noisy.Add(await AttemptAsync("198.51.100.1"));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], noisy);
        // Another client behind the same proxy is not locked out by the first one.
        Assert.Equal(HttpStatusCode.Unauthorized, await AttemptAsync("198.51.100.2"));
        Assert.Contains("198.51.100.2", await SignInTests.ScalarListAsync(shared, "SELECT client_ip FROM mc.login_log WHERE username = 'nobody'"));
    }

    [Fact]
    public async Task The_session_cookie_is_secure_and_host_only_even_over_plain_http()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("fh-cookie", PlatformRoles.Operator);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = shared.Web.Http };

        var signIn = await http.PostAsJsonAsync("/api/auth/sign-in", new { username = "fh-cookie", password = TestIdentity.Password });

        var cookie = signIn.Headers.GetValues("Set-Cookie").Single();
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.StartsWith("__Host-mc.session=mcs_", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
    }
}
