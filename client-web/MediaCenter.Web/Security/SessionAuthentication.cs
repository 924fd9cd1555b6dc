using System.Security.Claims;
using System.Text.Encodings.Web;
using MediaCenter.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Security;

/// <summary>
/// One scheme for browsers and apps: a session token from the session cookie (see <see cref="SessionCookie"/>) or from
/// <c>Authorization: Bearer</c>, checked against PostgreSQL on every request, session and account in one statement (so revocation and role
/// changes apply at once). The caller's roles are loaded fresh into the principal; the ticket carries the session's expiry, at
/// which the live hub closes the connection.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionStore sessions,
    SessionCookie cookie) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "session";

    /// <summary>Claim: the session id (for sign-out).</summary>
    public const string SessionClaim = "mc:session";

    /// <summary>Claim: where the token came from, <c>cookie</c> or <c>bearer</c>.</summary>
    public const string SourceClaim = "mc:source";

    /// <summary>Claim: the caller's access party.</summary>
    public const string PartyClaim = "mc:party";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (token, source) = ReadToken();
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (await sessions.AuthenticateAsync(token, Context.RequestAborted) is not var (session, user))
        {
            return AuthenticateResult.Fail("The session is unknown, expired or revoked, or the account is disabled.");
        }

        Context.Items[typeof(CurrentUser)] = user;
        Context.Items[typeof(ActiveSession)] = session;
        if (source == "cookie")
        {
            Context.Items[CsrfCheck.ExpectedTokenKey] = Secrets.CsrfFor(token);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.Username),
            new(SessionClaim, session.Id.ToString()),
            new(SourceClaim, source),
        };
        claims.AddRange(user.PlatformRoles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (user.PartyId is not null)
        {
            claims.Add(new Claim(PartyClaim, user.PartyId));
            claims.Add(new Claim(ClaimTypes.Role, user.PartyRole!));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = session.ExpiresAt }, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, Msg.Of("web.signInRequired"));

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, Msg.Of("web.notAllowed")
);

    private (string? Token, string Source) ReadToken()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (header["Bearer ".Length..].Trim(), "bearer");
        }

        // Browsers cannot set headers on WebSocket requests: the SignalR client sends the token in the query.
        if (Request.Path.StartsWithSegments("/hubs") && Request.Query["access_token"].ToString() is { Length: > 0 } queryToken)
        {
            return (queryToken, "bearer");
        }

        return Request.Cookies.TryGetValue(cookie.Name(Request), out var value) && !string.IsNullOrEmpty(value) ? (value, "cookie") : (null, "");
    }

    private async Task WriteProblemAsync(int status, string title)
    {
        Response.StatusCode = status;
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title },
        });
    }
}

/// <summary>Access to the caller resolved by <see cref="SessionAuthenticationHandler"/>.</summary>
public static class CurrentUserExtensions
{
    /// <summary>The signed-in caller; throws when the endpoint let an anonymous caller through.</summary>
    public static CurrentUser CurrentUser(this HttpContext context) =>
        context.Items[typeof(CurrentUser)] as CurrentUser ?? throw new InvalidOperationException("No signed-in user on this request.");

    /// <summary>The signed-in caller, or null.</summary>
    public static CurrentUser? CurrentUserOrNull(this HttpContext context) => context.Items[typeof(CurrentUser)] as CurrentUser;

    /// <summary>The caller's session, or null.</summary>
    public static ActiveSession? CurrentSession(this HttpContext context) => context.Items[typeof(ActiveSession)] as ActiveSession;
}
