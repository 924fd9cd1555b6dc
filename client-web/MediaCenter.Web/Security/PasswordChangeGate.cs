using MediaCenter.Identity;
using Microsoft.AspNetCore.Mvc;

namespace MediaCenter.Web.Security;

/// <summary>
/// An account that must change its password (a generated bootstrap password, an administrator's reset) may do nothing else: with a
/// cookie or a bearer token, every call but the change itself, sign-out and "who am I" (the page asks it to know it must show the
/// change form) is refused with 403, the live hub included.
/// </summary>
public sealed class PasswordChangeGate(RequestDelegate next)
{
    /// <summary>The problem type of the refusal, so clients can tell it from other 403s.</summary>
    public const string ProblemType = "https://mediacenter.local/problems/password-change-required";

    private static readonly (string Method, string Path)[] Allowed =
    [
        (HttpMethods.Post, "/api/auth/password"),
        (HttpMethods.Post, "/api/auth/sign-out"),
        (HttpMethods.Get, "/api/auth/me"),
    ];

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (context.CurrentUserOrNull() is { MustChangePassword: true }
            && !Allowed.Any(a => HttpMethods.Equals(a.Method, context.Request.Method) && context.Request.Path.Equals(a.Path, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Type = ProblemType,
                    Title = Msg.Of("web.changePasswordFirst"),
                    Detail = Msg.Of("web.changePasswordFirstDetail"),
                },
            });
            return;
        }

        await next(context);
    }
}
