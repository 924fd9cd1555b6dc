using MediaCenter.DevicesGateway.Mqtt;
using MediaCenter.Hosting;
using Microsoft.Extensions.Options;

namespace MediaCenter.DevicesGateway;

/// <summary>Composition of the devices gateway: its broker side (embedded or external) and readiness.</summary>
public static class GatewayHosting
{
    /// <summary>Adds the MQTT edge chosen by <c>Mqtt:Mode</c>.</summary>
    public static WebApplicationBuilder AddMqttEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MqttSettings>().Bind(builder.Configuration.GetSection(MqttSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttSettings>, MqttSettingsValidator>();

        services.AddSingleton<DropLog>();
        services.AddSingleton<Ingest.IngestPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<Ingest.IngestPipeline>());

        var mode = builder.Configuration.GetValue(MqttSettings.Section + ":Mode", MqttMode.Embedded);
        if (mode == MqttMode.Embedded)
        {
            services.AddSingleton<MediaCenter.Identity.TerminalCredentialStore>();
            services.AddSingleton<EmbeddedBroker>();
            services.AddSingleton<Ingest.ITerminalPublisher>(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddHealthChecks().AddCheck<EmbeddedBroker>("mqtt", tags: [ServiceDefaults.ReadyTag]);
        }
        else
        {
            services.AddSingleton<ExternalBrokerSubscriber>();
            services.AddSingleton<Ingest.ITerminalPublisher>(sp => sp.GetRequiredService<ExternalBrokerSubscriber>());
            services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerSubscriber>());
            services.AddHealthChecks().AddCheck<ExternalBrokerSubscriber>("mqtt", tags: [ServiceDefaults.ReadyTag]);
        }

        services.AddHostedService<Ingest.CommandDelivery>();

        // Last: beats only once the broker listens, and says "stopping" before the broker closes.
        services.AddHostedService<Ingest.PresenceBeat>();
        return builder;
    }
}
