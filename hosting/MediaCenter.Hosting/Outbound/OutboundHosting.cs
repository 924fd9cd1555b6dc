using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MediaCenter.Hosting.Outbound;

/// <summary>Registration of the outbound guard and of HTTP clients that go through it.</summary>
public static class OutboundHosting
{
    /// <summary>Adds the guard and its settings (validated at start-up). A registered <see cref="IOutboundResolver"/> is kept.</summary>
    public static IServiceCollection AddOutboundGuard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboundSettings>().Bind(configuration.GetSection(OutboundSettings.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundSettings>, OutboundSettingsValidator>());
        services.TryAddSingleton<IOutboundResolver, DnsOutboundResolver>();
        services.TryAddSingleton<OutboundGuard>();
        return services;
    }

    /// <summary>Makes a named or typed HTTP client go through the outbound guard, with its time limit.</summary>
    public static IHttpClientBuilder UseOutboundGuard(this IHttpClientBuilder builder) => builder
        .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().CreateHandler())
        .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<OutboundSettings>>().Value.Timeout);
}
