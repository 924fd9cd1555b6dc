using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using Npgsql;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>Sign-in, lockout, tokens (expiry, revocation), cookie sessions with CSRF, headers and limits.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SignInTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_even_the_right_one_is_refused_while_locked()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("lock-me", "operator");
        using var http = shared.Anonymous();

        for (var i = 0; i < 5; i++)
        {
            var wrong = await http.PostAsJsonAsync("/api/auth/tokens", new { username = "lock-me", password = "Wrong-passw0rd" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var right = await http.PostAsJsonAsync("/api/auth/tokens", new { username = "lock-me", password = TestIdentity.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        var problem = await right.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("已锁定", problem.GetProperty("title").GetString(), StringComparison.Ordinal);

        var reasons = await ScalarListAsync(shared, "SELECT reason FROM mc.login_log WHERE username = 'lock-me' ORDER BY id");
        Assert.Equal(["wrong-password", "wrong-password", "wrong-password", "wrong-password", "wrong-password-locked", "locked"], reasons);
    }

    [Fact]
    public async Task A_wrong_password_does_not_reveal_whether_the_user_exists()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("exists", "operator");
        using var http = shared.Anonymous();

        var known = await (await http.PostAsJsonAsync("/api/auth/tokens", new { username = "exists", password = "Wrong-passw0rd" })).Content.ReadFromJsonAsync<JsonElement>();
        var unknown = await (await http.PostAsJsonAsync("/api/auth/tokens", new { username = "nobody-here", password = "Wrong-passw0rd" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(known.GetProperty("title").GetString(), unknown.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Each_further_failure_of_a_user_name_waits_longer_whether_the_user_exists_or_not()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("slow-down", "operator");
        var web = await shared.Deployment.StartWebAsync("delay-web", new Dictionary<string, string>
        {
            ["Identity__SignInDelayBase"] = "00:00:00.400",
            ["Identity__SignInRatePerMinute"] = "100000",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = web.Http };
            foreach (var name in new[] { "slow-down", "no-such-person" })
            {
                var took = new List<TimeSpan>();
                for (var i = 0; i < 3; i++)
                {
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    var wrong = await http.PostAsJsonAsync("/api/auth/tokens", new { username = name, password = "Wrong-passw0rd" });
                    took.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                    Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
                }

                // The second failure waits the base (400 ms), the third twice that; only lower bounds are certain on a shared machine.
                Assert.True(took[1] >= TimeSpan.FromMilliseconds(400), $"{name}: {string.Join(", ", took)}");
                Assert.True(took[2] >= TimeSpan.FromMilliseconds(800), $"{name}: {string.Join(", ", took)}");
            }

            // The right password still signs in at once after the failures (no lock below the threshold).
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/auth/tokens", new { username = "slow-down", password = TestIdentity.Password })).StatusCode);
        }
        finally
        {
            await web.Process.StopAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires_and_when_it_is_revoked_by_sign_out()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("tokens", "operator");

        using var first = await shared.SignInAsync("tokens");
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync("/api/auth/sign-out", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/auth/me")).StatusCode);

        using var second = await shared.SignInAsync("tokens");
        var token = second.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/auth/me")).StatusCode);
        // Move its expiry into the past, as time passing would.
        await ExecuteAsync(shared, $"UPDATE mc.api_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = '{MediaCenter.Identity.Secrets.Hash(token)}'");
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Token_lifetime_is_bounded_and_reported()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("lifetime", "operator");
        using var http = shared.Anonymous();

        var tooLong = await http.PostAsJsonAsync("/api/auth/tokens", new { username = "lifetime", password = TestIdentity.Password, lifetimeDays = 365 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        var ok = await http.PostAsJsonAsync("/api/auth/tokens", new { username = "lifetime", password = TestIdentity.Password, lifetimeDays = 2 });
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        var expires = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(2));
        Assert.StartsWith("mcs_", body.GetProperty("token").GetString());
    }

    [Fact]
    public async Task A_browser_session_needs_its_csrf_token_for_changes()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("browser-user", "operator");
        // The cookie is Secure even over plain http (a TLS proxy may be in front): send it as a browser would, by hand.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = shared.Web.Http };

        var signIn = await http.PostAsJsonAsync("/api/auth/sign-in", new { username = "browser-user", password = TestIdentity.Password });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        http.DefaultRequestHeaders.Add("Cookie", setCookie[..setCookie.IndexOf(';')]);
        var csrf = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;

        var change = new { currentPassword = TestIdentity.Password, newPassword = "Another-Passw0rd!" };
        var without = await http.PostAsJsonAsync("/api/auth/password", change);
        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password") { Content = JsonContent.Create(change) };
        request.Headers.Add("X-CSRF-Token", csrf);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(request)).StatusCode);

        // The new password works; the old one does not.
        using var anonymous = shared.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/tokens", new { username = "browser-user", password = "Another-Passw0rd!" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/tokens", new { username = "browser-user", password = TestIdentity.Password })).StatusCode);
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_the_reasons()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("weakling", "operator");
        using var http = await shared.SignInAsync("weakling");

        var response = await http.PostAsJsonAsync("/api/auth/password", new { currentPassword = TestIdentity.Password, newPassword = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, problem.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task An_admin_reset_revokes_sessions_and_forces_a_password_change()
    {
        var shared = await fixture.SharedAsync();
        var id = await shared.Deployment.Identity.PlatformUserAsync("forgetful", "operator");
        await shared.Deployment.Identity.PlatformUserAsync("reset-admin", "admin");
        using var user = await shared.SignInAsync("forgetful");
        using var admin = await shared.SignInAsync("reset-admin");

        var reset = await admin.PostAsJsonAsync($"/api/users/{id}/password-reset", new { });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var body = await reset.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("sessionsRevoked").GetInt32());

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/auth/me")).StatusCode);
        using var again = await TestIdentity.SignInAsync(shared.Web.Http, "forgetful", body.GetProperty("password").GetString()!);
        var me = await again.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.True(me.GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_address_with_retry_after()
    {
        var shared = await fixture.SharedAsync();
        var web = await shared.Deployment.StartWebAsync("rate-limited-web", new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "3" });
        using var http = new HttpClient { BaseAddress = web.Http };

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await http.PostAsJsonAsync("/api/auth/tokens", new { username = "nobody", password = "x" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Password_changes_are_rate_limited_per_account_so_a_stolen_session_cannot_guess_the_current_password()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("pw-guessed", PlatformRoles.Operator);
        await shared.Deployment.Identity.PlatformUserAsync("pw-bystander", PlatformRoles.Operator);
        using var stolen = await shared.SignInAsync("pw-guessed");
        using var second = await shared.SignInAsync("pw-guessed");
        using var bystander = await shared.SignInAsync("pw-bystander");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            // Two sessions of the same account share one budget.
            var session = i % 2 == 0 ? stolen : second;
            statuses.Add((await session.PostAsJsonAsync("/api/auth/password", new { currentPassword = $"guess-{i}", newPassword = "Guessed-Passw0rd!" })).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        Assert.DoesNotContain(HttpStatusCode.NoContent, statuses);
        var refused = await stolen.PostAsJsonAsync("/api/auth/password", new { currentPassword = TestIdentity.Password, newPassword = "Guessed-Passw0rd!" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) > 0);

        // Another account is not affected, and the limited one still signs in with its unchanged password.
        Assert.Equal(HttpStatusCode.NoContent,
            (await bystander.PostAsJsonAsync("/api/auth/password", new { currentPassword = TestIdentity.Password, newPassword = "Bystander-Passw0rd!" })).StatusCode);
        using var again = await shared.SignInAsync("pw-guessed");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_oversized_bodies_are_refused()
    {
        var shared = await fixture.SharedAsync();
        using var http = shared.Anonymous();

        var page = await http.GetAsync("/");
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy);
        // Scripts reach this host only: its origin and its WebSocket, not any ws:/wss: address.
        var connect = policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith("connect-src ", StringComparison.Ordinal));
        Assert.Equal($"connect-src 'self' ws://{http.BaseAddress!.Authority}", connect);
        Assert.False(page.Headers.Contains("Access-Control-Allow-Origin"));

        // The client waits for the server's word before sending the body (Expect: 100-continue): the refusal comes on the
        // declared length, and the client is not still writing 2 MB into a connection the server has closed (a broken pipe).
        using var huge = new HttpRequestMessage(HttpMethod.Post, "/api/auth/tokens")
        {
            Content = new StringContent("{\"username\":\"" + new string('a', 2_000_000) + "\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        huge.Headers.ExpectContinue = true;
        var response = await http.SendAsync(huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    internal static async Task<List<string>> ScalarListAsync(SharedDeployment shared, string sql)
    {
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetValue(0)?.ToString() ?? "");
        }

        return list;
    }

    internal static async Task ExecuteAsync(SharedDeployment shared, string sql)
    {
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
