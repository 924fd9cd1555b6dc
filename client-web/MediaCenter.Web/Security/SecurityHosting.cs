using System.Threading.RateLimiting;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Security;

/// <summary>Composition of identity and security: stores, the session scheme, policies, sign-in rate limits.</summary>
public static class SecurityHosting
{
    /// <summary>Registers what authentication, authorization, auditing and rate limiting need.</summary>
    public static WebApplicationBuilder AddWebSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddMediaCenterIdentity();
        services.AddOptions<IdentitySettings>().Bind(builder.Configuration.GetSection(IdentitySettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentitySettings>, IdentitySettingsValidator>();
        services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, _ => { });
        services.AddAuthorizationBuilder().AddMediaCenterPolicies();
        services.AddSingleton<SecurityAlerts>();
        services.AddScoped<SignIn>();
        services.AddSingleton<SessionCookie>();
        services.AddSingleton<RefusalAudit>();
        services.AddSingleton<LiveConnections>();
        services.AddHostedService<LiveSessionWatch>();
        services.AddOptions<ProxySettings>().Bind(builder.Configuration.GetSection(ProxySettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxySettings>, ProxySettingsValidator>();
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>, ConfigureForwardedHeaders>();
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(AuthApi.SignInRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<IdentitySettings>>().Value.SignInRatePerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            // Each try at a password change checks the current password: per account, so that a stolen session cannot guess it.
            options.AddPolicy(AuthApi.PasswordChangeRateLimit, context =>
                RateLimitPartition.GetFixedWindowLimiter(
                    context.CurrentUserOrNull()?.Id.ToString() ?? "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = AuthApi.PasswordChangesPerWindow, Window = AuthApi.PasswordChangeWindow, QueueLimit = 0 }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                await context.HttpContext.RequestServices.GetRequiredService<RefusalAudit>().WriteAsync(context.HttpContext, "rate-limited", throttled: true,
                    new Dictionary<string, object?> { ["status"] = StatusCodes.Status429TooManyRequests });
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = Msg.Of("web.tooManyRequests"),
                        Detail = Msg.Of("web.retryAfter", ("seconds", Math.Ceiling(retryAfter.TotalSeconds))),
                    },
                });
            };
        });

        return builder;
    }
}
