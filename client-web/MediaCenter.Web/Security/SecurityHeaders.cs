using System.Text.RegularExpressions;

namespace MediaCenter.Web.Security;

/// <summary>Security headers on every response; CORS stays closed (no cross-origin policy is registered).</summary>
public sealed partial class SecurityHeaders(RequestDelegate next)
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src {connect}; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            // The API reference (Swagger UI) and the Orleans Dashboard come from their packages and set inline styles
            // (and the dashboard embeds its fonts); nothing else gets them.
            var policy = ContentSecurityPolicy.Replace("{connect}", ConnectSources(context.Request), StringComparison.Ordinal);
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/reference") || context.Request.Path.StartsWithSegments("/dashboard")
                ? policy.Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'; font-src 'self' data:", StringComparison.Ordinal)
                : policy;
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>
    /// Scripts may reach this host only: its own origin and the live hub's WebSocket on the same host (scheme by how the page
    /// was served, after the forwarded headers). Older browsers do not let <c>'self'</c> cover <c>ws:</c>/<c>wss:</c>, so the
    /// host is named; a host that is not a plain name or address (it comes from the request) names no WebSocket source.
    /// </summary>
    private static string ConnectSources(HttpRequest request)
    {
        var host = request.Host.Value;
        return host is not null && PlainHost().IsMatch(host)
            ? $"'self' {(request.IsHttps ? "wss" : "ws")}://{host}"
            : "'self'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")]
    private static partial Regex PlainHost();
}
