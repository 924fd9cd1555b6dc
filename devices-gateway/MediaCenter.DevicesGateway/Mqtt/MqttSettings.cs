using MediaCenter.Hosting;
using Microsoft.Extensions.Options;

namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>How the gateway reaches the terminals' MQTT traffic.</summary>
public enum MqttMode
{
    /// <summary>The gateway runs the broker itself (MQTTnet), the single-machine default.</summary>
    Embedded,

    /// <summary>The gateway subscribes to an external broker (Mosquitto, EMQX …).</summary>
    External,
}

/// <summary>MQTT settings. Bound from the <c>Mqtt</c> section.</summary>
public sealed class MqttSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Mqtt";

    /// <summary>Embedded broker or external broker.</summary>
    public MqttMode Mode { get; set; } = MqttMode.Embedded;

    /// <summary>Embedded: the address the broker binds. External: the broker's host.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Embedded: the port the broker listens on. External: the broker's port.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>External: the gateway's client id.</summary>
    public string ClientId { get; set; } = "mediacenter-gateway";

    /// <summary>External: user name for the broker, if it requires one.</summary>
    public string? Username { get; set; }

    /// <summary>External: password for the broker.</summary>
    public string? Password { get; set; }

    /// <summary>Embedded: terminals must sign in with the credential issued for them (only tests turn this off).</summary>
    public bool RequireAuthentication { get; set; } = true;

    /// <summary>Embedded: messages queued per subscriber before the broker starts dropping (and counting) them.</summary>
    public int MaxPendingMessagesPerClient { get; set; } = 1000;
}

internal sealed class MqttSettingsValidator : IValidateOptions<MqttSettings>
{
    public ValidateOptionsResult Validate(string? name, MqttSettings options)
    {
        var failures = new List<string>();
        SettingRules.Port(failures, $"{MqttSettings.Section}:Port", options.Port);
        if (options.Mode == MqttMode.Embedded)
        {
            SettingRules.Address(failures, $"{MqttSettings.Section}:Host", options.Host);
        }
        else if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{MqttSettings.Section}:Host must name the external broker's host.");
        }

        if (options.MaxPendingMessagesPerClient < 1)
        {
            failures.Add($"{MqttSettings.Section}:MaxPendingMessagesPerClient must be at least 1 (was {options.MaxPendingMessagesPerClient}).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{MqttSettings.Section}:ClientId must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
