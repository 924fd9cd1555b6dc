using MediaCenter.Identity;
using MediaCenter.Web.Security;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Api;

/// <summary>Sign-in (browser cookie or bearer token), sign-out, who am I, password change.</summary>
internal static class AuthApi
{
    public const string SignInRateLimit = "sign-in";

    /// <summary>The rate limit of password changes, per account.</summary>
    public const string PasswordChangeRateLimit = "password-change";

    /// <summary>Password changes (successful or not) an account may try per <see cref="PasswordChangeWindow"/>.</summary>
    public const int PasswordChangesPerWindow = 10;

    /// <summary>The window of <see cref="PasswordChangesPerWindow"/>.</summary>
    public static readonly TimeSpan PasswordChangeWindow = TimeSpan.FromMinutes(10);

    public sealed record SignInRequest(string? Username, string? Password);

    public sealed record TokenRequest(string? Username, string? Password, string? Name, int? LifetimeDays);

    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    public sealed record Me(Guid Id, string Username, string DisplayName, string? PartyId, string? PartyRole,
        IReadOnlyList<string> PlatformRoles, IReadOnlyList<ChannelMembership> Channels, bool MustChangePassword,
        string? CsrfToken, DateTimeOffset? SessionExpiresAt);

    public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt, string TokenType = "Bearer");

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth").WithTags("auth");

        auth.MapPost("/sign-in", async (SignInRequest body, HttpContext http, SignIn signIn, SessionCookie cookie, IOptions<IdentitySettings> settings) =>
            {
                var user = await signIn.VerifyAsync(body.Username, body.Password, "browser", http);
                var session = await signIn.Sessions.IssueAsync(user.Id, "browser", settings.Value.BrowserSessionLifetime, http.RequestAborted);
                cookie.Append(http.Response, session.Token, session.ExpiresAt);
                return Results.Ok(ToMe(user, Secrets.CsrfFor(session.Token), session.ExpiresAt));
            })
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit)
            .WithName("SignIn")
            .WithSummary("Browser sign-in: sets the session cookie and returns the caller with its CSRF token.");

        auth.MapPost("/tokens", async (TokenRequest body, HttpContext http, SignIn signIn, IOptions<IdentitySettings> settings) =>
            {
                var lifetime = body.LifetimeDays is { } days ? TimeSpan.FromDays(days) : settings.Value.TokenLifetime;
                if (lifetime <= TimeSpan.Zero || lifetime > settings.Value.MaxTokenLifetime)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("web.tokenLifetime", ("max", Math.Round(settings.Value.MaxTokenLifetime.TotalDays))));
                }

                var user = await signIn.VerifyAsync(body.Username, body.Password, "token", http);
                var name = string.IsNullOrWhiteSpace(body.Name) ? "api" : body.Name.Trim()[..Math.Min(body.Name.Trim().Length, 100)];
                var session = await signIn.Sessions.IssueAsync(user.Id, name, lifetime, http.RequestAborted);
                return Results.Ok(new IssuedToken(session.Token, session.ExpiresAt));
            })
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit)
            .WithName("IssueToken")
            .WithSummary("API and mobile sign-in: returns a bearer token with an expiry.");

        auth.MapPost("/sign-out", async (HttpContext http, SessionStore sessions, SessionCookie cookie, LiveConnections live) =>
            {
                if (http.CurrentSession() is { } session)
                {
                    await sessions.RevokeAsync(session.Id, http.RequestAborted);
                    live.CloseSession(session.Id);
                }

                cookie.Delete(http.Response);
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("SignOut")
            .WithSummary("Revokes the session or token this request used and closes its live connections.");

        auth.MapGet("/me", (HttpContext http) =>
            {
                var session = http.CurrentSession();
                var csrf = http.Items.TryGetValue("mc.csrf.expected", out var expected) ? expected as string : null;
                return Results.Ok(ToMe(http.CurrentUser(), csrf, session?.ExpiresAt));
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("GetMe")
            .WithSummary("The signed-in caller, its roles, and (for browser sessions) the CSRF token.");

        auth.MapPost("/password", async (PasswordChange body, HttpContext http, UserStore users, LiveConnections live) =>
            {
                var caller = http.CurrentUser();
                var kept = http.CurrentSession()?.Id;
                var revoked = await users.ChangePasswordAsync(caller.Id, body.CurrentPassword ?? "", body.NewPassword ?? "", kept, http.RequestAborted);
                live.CloseUser(caller.Id, keep: kept);
                http.Audit().Target = "user:" + caller.Id;
                http.Audit().Details["sessionsRevoked"] = revoked;
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.SignedIn)
            .RequireRateLimiting(PasswordChangeRateLimit)
            .WithName("ChangePassword")
            .WithSummary("Changes the caller's password (the current one is required); every other session and token of the caller ends.");

        return endpoints;
    }

    private static Me ToMe(CurrentUser user, string? csrf, DateTimeOffset? expires) =>
        new(user.Id, user.Username, user.DisplayName, user.PartyId, user.PartyRole, user.PlatformRoles, user.Channels,
            user.MustChangePassword, csrf, expires);
}

/// <summary>Checks a password sign-in: lockout, login log, early warning on repeated failures.</summary>
internal sealed class SignIn(
    UserStore users, SessionStore sessions, AuditLog audit, SecurityAlerts alerts, IOptions<IdentitySettings> settings, TimeProvider time)
{
    public SessionStore Sessions => sessions;

    /// <summary>The signed-in user, or an <see cref="UnauthorizedAccessException"/> with a reason the caller may see.</summary>
    public async Task<CurrentUser> VerifyAsync(string? username, string? password, string method, HttpContext http)
    {
        var name = (username ?? "").Trim();
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var agent = http.Request.Headers.UserAgent.ToString();
        var account = name.Length == 0 ? null : await users.FindForSignInAsync(name, http.RequestAborted);
        var now = time.GetUtcNow();

        string? failure = null;
        if (account is null || account.Disabled || account.LockedUntil > now)
        {
            // As long as a real check: the time of the answer does not tell whether the user name exists.
            Passwords.Verify(DummyHash.Value, password ?? "");
            failure = account is null ? "unknown-user" : account.Disabled ? "disabled" : "locked";
        }
        else if (!Passwords.Verify(account.PasswordHash, password ?? ""))
        {
            failure = "wrong-password";
            var lockedUntil = await users.RegisterFailureAsync(account.Id, settings.Value.LockoutThreshold, settings.Value.LockoutDuration, http.RequestAborted);
            if (lockedUntil > now)
            {
                failure = "wrong-password-locked";
            }
        }

        if (failure is null)
        {
            await users.RegisterSuccessAsync(account!.Id, http.RequestAborted);
            await audit.LoginAsync(new LoginEntry(account.Username, account.Id, true, "ok", method, ip, agent), http.RequestAborted);
            return await users.LoadCurrentAsync(account.Id, http.RequestAborted)
                ?? throw new SignInRefused(Msg.Of("web.accountUnavailable"));
        }

        await audit.LoginAsync(new LoginEntry(name, account?.Id, false, failure, method, ip, agent), http.RequestAborted);
        var failures = await WarnOnRepeatedFailuresAsync(name, ip);

        // Each further failure of the same user name within the window waits longer (known or not: the wait says nothing either).
        if (settings.Value.SignInDelay(failures) is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, http.RequestAborted);
        }

        // The caller learns that the account is locked (so they wait) but not whether a user name exists.
        throw new SignInRefused(failure is "locked" or "wrong-password-locked"
            ? Msg.Of("web.accountLocked", ("minutes", Math.Round(settings.Value.LockoutDuration.TotalMinutes)))
            : Msg.Of("web.wrongCredentials"));
    }

    private static readonly Lazy<string> DummyHash = new(() => Passwords.Hash(Passwords.Generate()));

    /// <summary>Raises the early warnings when a count reaches the threshold; returns the user name's failures within the window.</summary>
    private async Task<long> WarnOnRepeatedFailuresAsync(string username, string? ip)
    {
        var s = settings.Value;
        var (forUser, fromAddress) = await audit.CountRecentFailuresAsync(username, ip, s.AlertWindow);
        // Raise once when a count reaches the threshold, not on every later failure.
        if (forUser == s.FailedSignInAlertThreshold)
        {
            await alerts.RaiseAsync("failed-sign-ins-account", username,
                Msg.Of("web.failedSignInsAccount", ("username", username), ("minutes", Math.Round(s.AlertWindow.TotalMinutes)), ("count", forUser)));
        }

        if (ip is not null && fromAddress == s.FailedSignInAlertThreshold)
        {
            await alerts.RaiseAsync("failed-sign-ins-address", ip,
                Msg.Of("web.failedSignInsAddress", ("ip", ip), ("minutes", Math.Round(s.AlertWindow.TotalMinutes)), ("count", fromAddress)));
        }

        return forUser;
    }
}

/// <summary>A refused sign-in (401 with the reason).</summary>
internal sealed class SignInRefused(string message) : Exception(message);
