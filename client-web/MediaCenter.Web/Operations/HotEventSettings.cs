using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Operations;

/// <summary>Hot-event mode on the web side. Bound from the <c>HotEvents</c> section.</summary>
public sealed class HotEventSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HotEvents";

    /// <summary>Public endpoints: requests per second per client address outside hot-event mode (also the burst).</summary>
    public int NormalPermitsPerSecond { get; set; } = 50;

    /// <summary>
    /// Public endpoints: requests per second per client address while an event is active (also the burst). Lower than
    /// the normal profile by default: during a surge each client gets a fair share, and the Q&amp;A comes from memory.
    /// </summary>
    public int HotPermitsPerSecond { get; set; } = 20;

    /// <summary>How often the web instance re-reads the hot-event mode (it also re-reads at once on a live message).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Cache-Control max-age of the public Q&amp;A (never beyond the window's end).</summary>
    public int QaMaxAgeSeconds { get; set; } = 10;

    /// <summary>How often this instance sends its per-minute hot-event counts to be kept (reports read them).</summary>
    public TimeSpan TrafficFlushEvery { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class HotEventSettingsValidator : IValidateOptions<HotEventSettings>
{
    public ValidateOptionsResult Validate(string? name, HotEventSettings options)
    {
        var errors = new List<string>();
        if (options.NormalPermitsPerSecond is < 1 or > 1_000_000)
        {
            errors.Add($"{HotEventSettings.Section}:NormalPermitsPerSecond must be 1 to 1000000 (was {options.NormalPermitsPerSecond}).");
        }

        if (options.HotPermitsPerSecond is < 1 or > 1_000_000)
        {
            errors.Add($"{HotEventSettings.Section}:HotPermitsPerSecond must be 1 to 1000000 (was {options.HotPermitsPerSecond}).");
        }

        if (options.RefreshInterval < TimeSpan.FromMilliseconds(100) || options.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{HotEventSettings.Section}:RefreshInterval must be between 00:00:00.1 and 00:01:00 (was {options.RefreshInterval}).");
        }

        if (options.TrafficFlushEvery < TimeSpan.FromMilliseconds(100) || options.TrafficFlushEvery > TimeSpan.FromMinutes(HotTraffic.KeptMinutes - 1))
        {
            errors.Add($"{HotEventSettings.Section}:TrafficFlushEvery must be between 00:00:00.1 and 00:{HotTraffic.KeptMinutes - 1:00}:00 (was {options.TrafficFlushEvery}).");
        }

        if (options.QaMaxAgeSeconds is < 0 or > 3600)
        {
            errors.Add($"{HotEventSettings.Section}:QaMaxAgeSeconds must be 0 to 3600 (was {options.QaMaxAgeSeconds}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Composition of plans, drills, campaigns and hot events in client-web.</summary>
public static class OperationsPlansHosting
{
    /// <summary>The rate-limit policy of the public endpoints: the normal or the hot profile, per client address.</summary>
    public const string PublicRateLimit = "public-hot-profile";

    /// <summary>Registers the read models, the hot-mode cache, live traffic counting and the public rate-limit policy.</summary>
    public static WebApplicationBuilder AddPlansAndHotEvents(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HotEventSettings>().Bind(builder.Configuration.GetSection(HotEventSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HotEventSettings>, HotEventSettingsValidator>();
        services.AddSingleton<PlanReadModel>();
        services.AddSingleton<CampaignReadModel>();
        services.AddSingleton<HotModeCache>();
        services.AddHostedService(sp => sp.GetRequiredService<HotModeCache>());
        services.AddSingleton<HotTraffic>();
        services.AddHostedService<HotTrafficFlush>();
        services.AddTransient<IStartupFilter, HotTrafficStartupFilter>();
        services.Configure<RateLimiterOptions>(options => options.AddPolicy(PublicRateLimit, context =>
        {
            var mode = context.RequestServices.GetRequiredService<HotModeCache>();
            var settings = context.RequestServices.GetRequiredService<IOptions<HotEventSettings>>().Value;
            var hot = mode.IsHot;
            var permits = hot ? settings.HotPermitsPerSecond : settings.NormalPermitsPerSecond;
            context.Response.Headers["X-Hot-Mode"] = hot ? "on" : "off";
            // The profile is part of the partition: switching the mode switches every client to the other bucket.
            return RateLimitPartition.GetTokenBucketLimiter($"{(hot ? "hot" : "normal")}:{context.Connection.RemoteIpAddress}", _ =>
                new TokenBucketRateLimiterOptions
                {
                    TokenLimit = permits,
                    TokensPerPeriod = permits,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
        }));
        return builder;
    }
}
