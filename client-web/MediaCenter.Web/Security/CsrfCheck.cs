using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace MediaCenter.Web.Security;

/// <summary>
/// CSRF protection for cookie sessions: a state-changing request authenticated by the cookie must carry
/// <c>X-CSRF-Token</c>, a value derived from the session that other origins cannot read. Bearer requests
/// carry no ambient credential and are exempt. The SignalR hub cannot send the header on its negotiate
/// and WebSocket requests, so for <c>/hubs</c> the browser's Origin must be this site instead.
/// </summary>
public sealed class CsrfCheck(RequestDelegate next)
{
    /// <summary>The request header.</summary>
    public const string HeaderName = "X-CSRF-Token";

    internal const string ExpectedTokenKey = "mc.csrf.expected";

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems, RefusalAudit audit)
    {
        if (context.Items[ExpectedTokenKey] is string && context.Request.Path.StartsWithSegments("/hubs"))
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri)
                || !string.Equals(originUri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
            {
                await audit.WriteAsync(context, "csrf-refused", throttled: false, new Dictionary<string, object?> { ["origin"] = origin });
                await RefuseAsync(context, problems, Msg.Of("web.hubOriginRefused"));
                return;
            }
        }
        else if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && context.Items[ExpectedTokenKey] is string expected)
        {
            var presented = context.Request.Headers[HeaderName].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(expected)))
            {
                await audit.WriteAsync(context, "csrf-refused", throttled: false, new Dictionary<string, object?>());
                await RefuseAsync(context, problems, Msg.Of("web.csrfHowTo", ("header", HeaderName)));
                return;
            }
        }

        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, IProblemDetailsService problems, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = Msg.Of("web.csrfFailed")
,
                Detail = detail,
            },
        }).AsTask();
    }
}
