using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Security;

/// <summary>The limits of the public endpoints (no account): a fixed window per client address, its size read from settings.</summary>
public static class PublicRateLimits
{
    /// <summary>
    /// Adds the policy <paramref name="policy"/>: at most the permits <paramref name="limit"/> reads from <typeparamref name="TOptions"/>
    /// per client address and window, nothing queued (the excess is answered 429 with Retry-After).
    /// </summary>
    public static IServiceCollection AddPerAddressRateLimit<TOptions>(this IServiceCollection services, string policy,
        Func<TOptions, (int Permits, TimeSpan Window)> limit) where TOptions : class =>
        services.Configure<RateLimiterOptions>(options => options.AddPolicy(policy, context =>
        {
            var (permits, window) = limit(context.RequestServices.GetRequiredService<IOptions<TOptions>>().Value);
            return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });
        }));
}
