using System.Text.Json;
using MediaCenter.Hosting.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MediaCenter.Hosting;

/// <summary>What every MediaCenter process has: validated settings, health endpoints, metrics, logs.</summary>
public static class ServiceDefaults
{
    /// <summary>Health checks with this tag decide /health/ready.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Registers the shared settings (validated at start-up), health checks and problem details.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseSettings>()
            .Configure(o => o.ConnectionString = DatabaseSettings.WithDefaults(builder.Configuration[DatabaseSettings.Key] ?? ""))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseSettings>, DatabaseSettingsValidator>();
        builder.Services.AddOptions<ClusterSettings>()
            .Bind(builder.Configuration.GetSection(ClusterSettings.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ClusterSettings>, ClusterSettingsValidator>();
        builder.Services.AddOptions<ObservabilitySettings>()
            .Bind(builder.Configuration.GetSection(ObservabilitySettings.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ObservabilitySettings>, ObservabilitySettingsValidator>();

        // Every process checks the outbound settings at start-up, whether or not it makes outbound requests today.
        builder.Services.AddOutboundGuard(builder.Configuration);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => MediaCenter.Database.Data.DataAccess.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseSettings>>().Value.ConnectionString));
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Maps /health/live, /health/ready and Prometheus /metrics.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseHttpMetrics();
        // Metrics name silos, addresses and versions: only for the networks Prometheus scrapes from (Observability:Networks).
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.Equals("/metrics", StringComparison.OrdinalIgnoreCase) && !ObservabilitySettings.MayObserve(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteReport,
        }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReport,
        }).AllowAnonymous();
        // Health and metrics are for probes and Prometheus on the operations network: no sign-in, but only readiness's status leaves it.
        app.MapMetrics("/metrics").AllowAnonymous();
        return app;
    }

    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        if (!ObservabilitySettings.MayObserve(context))
        {
            // Load balancers need the status (and the HTTP code); the checks' names, silos and errors are for operators.
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, JsonOptions));
        }

        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, error = e.Value.Exception?.Message }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
