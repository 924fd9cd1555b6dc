using System.Threading.RateLimiting;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Live;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;
using MediaCenter.Web.Terminals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web;

/// <summary>Composition of client-web: REST API, SignalR, dashboards, authentication hooks.</summary>
public static class WebHosting
{
    /// <summary>Registers the web application's services.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LiveSettings>().Bind(builder.Configuration.GetSection(LiveSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LiveSettings>, LiveSettingsValidator>();

        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        services.AddMediaCenterIdentity();
        services.AddOptions<IdentitySettings>().Bind(builder.Configuration.GetSection(IdentitySettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentitySettings>, IdentitySettingsValidator>();
        services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, _ => { });
        services.AddAuthorizationBuilder().AddMediaCenterPolicies();
        services.AddSingleton<SecurityAlerts>();
        services.AddScoped<SignIn>();
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(AuthApi.SignInRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<IdentitySettings>>().Value.SignInRatePerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "请求过于频繁 / Too many requests.",
                        Detail = $"Retry after {Math.Ceiling(retryAfter.TotalSeconds):0} s.",
                    },
                });
            };
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize =
            builder.Configuration.GetValue<long?>("Web:MaxRequestBodyBytes") ?? 1_048_576);

        services.AddSingleton<Terminals.TerminalDirectory>();
        services.AddHostedService<Terminals.FleetFeed>();
        services.AddSignalR().AddJsonProtocol(o =>
            o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton<SystemStatusReader>();
        services.AddHostedService<SystemStatusBroadcaster>();
        return builder;
    }

    /// <summary>The middleware pipeline.</summary>
    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<CsrfCheck>();
        // Before authorization, so refused calls are in the operation log too.
        app.UseMiddleware<AuditTrail>();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Maps the API, the OpenAPI document and the hubs.</summary>
    public static WebApplication MapWebEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapSystemApi();
        app.MapAuthApi();
        app.MapUsersApi();
        app.MapDirectoryApi();
        app.MapAuditApi();
        app.MapTerminalsApi();
        app.MapPatrolApi();
        app.MapHub<LiveHub>(LiveHub.Path);
        return app;
    }
}
