namespace MediaCenter.Web.Security;

/// <summary>Security headers on every response; CORS stays closed (no cross-origin policy is registered).</summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; " +
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
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/reference") || context.Request.Path.StartsWithSegments("/dashboard")
                ? ContentSecurityPolicy.Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'; font-src 'self' data:", StringComparison.Ordinal)
                : ContentSecurityPolicy;
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
