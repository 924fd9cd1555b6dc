using MediaCenter.Web.Api;
using MediaCenter.Web.Live;
using Microsoft.AspNetCore.Authentication.Cookies;
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

        // Sign-in arrives with the identity work; the schemes and the pipeline are in place now.
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "mc.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.SlidingExpiration = true;
                // An API call without a session gets a status code, never a redirect to an HTML page.
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();

        services.AddSignalR();
        services.AddSingleton<SystemStatusReader>();
        services.AddHostedService<SystemStatusBroadcaster>();
        return builder;
    }

    /// <summary>The middleware pipeline.</summary>
    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Maps the API, the OpenAPI document and the hubs.</summary>
    public static WebApplication MapWebEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapSystemApi();
        app.MapHub<LiveHub>(LiveHub.Path);
        return app;
    }
}
