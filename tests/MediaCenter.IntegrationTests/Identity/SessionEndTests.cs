using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>
/// Sessions that really end (issue 15, findings 4 and 5): a password that must be changed allows nothing else, and a password change,
/// reset, disablement or role change ends the person's other sessions, tokens and live connections, on every web instance.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SessionEndTests(IntegrationFixture fixture)
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_password_that_must_be_changed_lets_through_only_the_change_sign_out_and_me_with_a_token_or_a_cookie()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.Users.CreateAsync(new NewUser("se-bootstrap", "首次登录", TestIdentity.Password,
            PlatformRoles: [PlatformRoles.Admin], MustChangePassword: true));

        // A token is issued (it is how an app changes the password), but it opens nothing else.
        using var bearer = await shared.SignInAsync("se-bootstrap");
        foreach (var (method, path) in new[] { ("GET", "/api/users"), ("POST", "/api/parties"), ("GET", "/api/audit/operations"), ("GET", "/api/system/status") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { id = "se-p", name = "x" }) : null };
            var refused = await bearer.SendAsync(request);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)refused.StatusCode}");
            Assert.Equal("https://mediacenter.local/problems/password-change-required", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }

        Assert.True((await bearer.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("mustChangePassword").GetBoolean());
        await Assert.ThrowsAnyAsync<Exception>(() => LiveHubClient.ConnectAsync(shared.Web.Http, LiveHubClient.TokenOf(bearer)));

        // The same for a browser session.
        var (cookie, csrf) = await BrowserSignInAsync(shared.Web.Http, "se-bootstrap", TestIdentity.Password);
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = shared.Web.Http };
        browser.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/users")).StatusCode);

        // The change itself goes through; then everything the role allows does.
        using var change = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password")
        {
            Content = JsonContent.Create(new { currentPassword = TestIdentity.Password, newPassword = "Changed-Passw0rd!" }),
        };
        change.Headers.Add("X-CSRF-Token", csrf);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(change)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/users")).StatusCode);
        Assert.False((await browser.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task A_password_change_ends_every_other_session_token_and_live_connection_but_the_one_that_made_it()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("se-changer", PlatformRoles.Operator);
        using var changing = await shared.SignInAsync("se-changer");
        using var other = await shared.SignInAsync("se-changer");
        await using var changingLive = await LiveHubClient.ConnectAsync(shared.Web.Http, LiveHubClient.TokenOf(changing));
        await using var otherLive = await LiveHubClient.ConnectAsync(shared.Web.Http, LiveHubClient.TokenOf(other));

        var response = await changing.PostAsJsonAsync("/api/auth/password", new { currentPassword = TestIdentity.Password, newPassword = "Next-Passw0rd!1" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/auth/me")).StatusCode);
        Assert.True(await otherLive.ClosedWithinAsync(Promptly), "the other session's live connection stays open after the password change");
        Assert.Equal(HttpStatusCode.OK, (await changing.GetAsync("/api/auth/me")).StatusCode);
        Assert.True(await changingLive.AliveAsync(), "the live connection of the session that changed the password was closed");
        Assert.Equal(["1"], await SignInTests.ScalarListAsync(shared, """
            SELECT details->>'sessionsRevoked' FROM mc.audit_log WHERE actor = 'se-changer' AND action = 'POST /api/auth/password' AND result = 'ok'
            """));
    }

    [Fact]
    public async Task An_administrators_reset_and_a_disablement_each_end_the_persons_sessions_and_live_connections()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        var reset = await identity.PlatformUserAsync("se-reset", PlatformRoles.Operator);
        var disabled = await identity.PlatformUserAsync("se-disabled", PlatformRoles.Operator);
        await identity.PlatformUserAsync("se-admin", PlatformRoles.Admin);
        using var admin = await shared.SignInAsync("se-admin");

        foreach (var (id, name, act) in new (Guid, string, Func<Guid, Task<HttpResponseMessage>>)[]
        {
            (reset, "se-reset", id => admin.PostAsJsonAsync($"/api/users/{id}/password-reset", new { })),
            (disabled, "se-disabled", id => admin.PutAsJsonAsync($"/api/users/{id}/disabled", new { disabled = true })),
        })
        {
            using var person = await shared.SignInAsync(name);
            await using var live = await LiveHubClient.ConnectAsync(shared.Web.Http, LiveHubClient.TokenOf(person));

            var response = await act(id);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionsRevoked").GetInt32());

            Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/auth/me")).StatusCode);
            Assert.True(await live.ClosedWithinAsync(Promptly), $"{name}: the live connection stays open");
        }

        // Enabling the account again brings no old session back, and a disabled account cannot sign in.
        using var anonymous = shared.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/tokens", new { username = "se-disabled", password = TestIdentity.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{disabled}/disabled", new { disabled = false })).StatusCode);
        using var again = await shared.SignInAsync("se-disabled");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me")).StatusCode);

        // Nobody disables themselves.
        var self = await shared.Deployment.Identity.Users.FindForSignInAsync("se-admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PutAsJsonAsync($"/api/users/{self!.Id}/disabled", new { disabled = true })).StatusCode);
    }

    [Fact]
    public async Task A_role_given_or_taken_away_ends_the_persons_sessions_so_they_sign_in_with_what_they_now_hold()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        await identity.PartyAsync("se-roles");
        await identity.PartyUserAsync("se-roles-admin", "se-roles", PartyRoles.Admin);
        var member = await identity.PartyUserAsync("se-roles-member", "se-roles", PartyRoles.Member);
        using var manager = await shared.SignInAsync("se-roles-admin");
        await People.TrainedStaff.RecordAsync(manager, "party:se-roles", member);

        foreach (var change in new Func<Task<HttpResponseMessage>>[]
        {
            () => manager.PutAsJsonAsync($"/api/channels/se-roles-home/members/{member}/reviewer", new { reviewLevel = 1 }),
            () => manager.PutAsJsonAsync($"/api/channels/se-roles-home/members/{member}/reviewer", new { reviewLevel = 2 }),
            () => manager.DeleteAsync($"/api/channels/se-roles-home/members/{member}/reviewer"),
        })
        {
            using var person = await shared.SignInAsync("se-roles-member");
            await using var live = await LiveHubClient.ConnectAsync(shared.Web.Http, LiveHubClient.TokenOf(person));

            Assert.Equal(HttpStatusCode.NoContent, (await change()).StatusCode);

            Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/auth/me")).StatusCode);
            Assert.True(await live.ClosedWithinAsync(Promptly), "the live connection stays open after a role change");
        }

        // Granting what the person already holds changes nothing, and ends nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PutAsJsonAsync($"/api/channels/se-roles-home/members/{member}/editor", new { })).StatusCode);
        using var settled = await shared.SignInAsync("se-roles-member");
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PutAsJsonAsync($"/api/channels/se-roles-home/members/{member}/editor", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await settled.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_session_ended_through_one_web_instance_closes_its_live_connections_on_another()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("se-elsewhere", PlatformRoles.Operator);
        var second = await shared.Deployment.StartWebAsync("se-second-web", new Dictionary<string, string> { ["Identity__LiveSessionCheck"] = "00:00:01" });
        using var signedOut = await shared.SignInAsync("se-elsewhere");
        using var expired = await shared.SignInAsync("se-elsewhere");
        await using var signedOutLive = await LiveHubClient.ConnectAsync(second.Http, LiveHubClient.TokenOf(signedOut));
        await using var expiredLive = await LiveHubClient.ConnectAsync(second.Http, LiveHubClient.TokenOf(expired));

        // Signed out through the first instance; the other one's expiry moved into the past in the database, as time would.
        Assert.Equal(HttpStatusCode.NoContent, (await signedOut.PostAsync("/api/auth/sign-out", null)).StatusCode);
        Assert.True(await signedOutLive.ClosedWithinAsync(TimeSpan.FromSeconds(5)), "a connection on the second instance outlives its sign-out on the first");
        Assert.True(await expiredLive.AliveAsync());
        await SignInTests.ExecuteAsync(shared,
            $"UPDATE mc.api_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = '{Secrets.Hash(LiveHubClient.TokenOf(expired))}'");
        Assert.True(await expiredLive.ClosedWithinAsync(TimeSpan.FromSeconds(5)), "a connection outlives its session's expiry");
    }

    [Fact]
    public async Task The_live_hub_closes_a_connection_when_its_token_expires()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("se-short", PlatformRoles.Operator);
        // Tokens of three seconds, and no database check in the way: the hub's own expiry must close the connection.
        var web = await shared.Deployment.StartWebAsync("se-short-web", new Dictionary<string, string>
        {
            ["Identity__TokenLifetime"] = "00:00:03",
            ["Identity__LiveSessionCheck"] = "01:00:00",
        });
        using var person = await TestIdentity.SignInAsync(web.Http, "se-short");
        await using var live = await LiveHubClient.ConnectAsync(web.Http, LiveHubClient.TokenOf(person));

        Assert.True(await live.AliveAsync());
        Assert.True(await live.ClosedWithinAsync(TimeSpan.FromSeconds(8)), "the connection outlives its token");
    }

    /// <summary>Signs in as a browser does: the session cookie as a Cookie header (it is Secure, so a cookie jar would not send it over http) and the CSRF token.</summary>
    internal static async Task<(string Cookie, string Csrf)> BrowserSignInAsync(Uri web, string username, string password)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = web };
        var response = await http.PostAsJsonAsync("/api/auth/sign-in", new { username, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        var csrf = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;
        return (setCookie[..setCookie.IndexOf(';')], csrf);
    }
}
