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

    /// <summary>
    /// Embedded: whether the plain-text listener on <see cref="Host"/>:<see cref="Port"/> runs. With TLS configured, turn
    /// it off or bind it to loopback: a terminal's long-lived secret must not cross a network in clear.
    /// </summary>
    public bool PlainListener { get; set; } = true;

    /// <summary>
    /// Embedded: the largest MQTT packet taken (bytes, fixed header excluded). A connection announcing more is closed before
    /// the broker allocates it. Terminal payloads are at most 4 KiB; the default leaves room for CONNECT and topics.
    /// </summary>
    public int MaxPacketBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Embedded: connections one address may hold at once (0: no cap). The kiosks of one venue may share an address behind
    /// its router, so the cap is generous; it stops one host from exhausting the broker.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 256;

    /// <summary>Embedded: whether the cap applies to loopback too (off: a local simulator or bench connects thousands).</summary>
    public bool CapLoopback { get; set; }

    /// <summary>Embedded: the TLS listener (MQTT over TLS, port 8883 by convention); off unless a certificate is named.</summary>
    public MqttTlsSettings Tls { get; set; } = new();
}

/// <summary>The embedded broker's TLS listener. Bound from <c>Mqtt:Tls</c>.</summary>
public sealed class MqttTlsSettings
{
    /// <summary>A PKCS#12 (.pfx) file or a PEM certificate with <see cref="KeyPath"/>; empty: no TLS listener.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 file's password, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The address the TLS listener binds (0.0.0.0: every interface).</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>The TLS listener's port.</summary>
    public int Port { get; set; } = 8883;

    /// <summary>Whether a TLS listener is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
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

        if (options.Mode == MqttMode.Embedded && options.Tls.Enabled)
        {
            SettingRules.Port(failures, $"{MqttSettings.Section}:Tls:Port", options.Tls.Port);
            SettingRules.Address(failures, $"{MqttSettings.Section}:Tls:Host", options.Tls.Host);
            if (!File.Exists(options.Tls.CertificatePath))
            {
                failures.Add($"{MqttSettings.Section}:Tls:CertificatePath names no file ({options.Tls.CertificatePath}).");
            }
            else if (!string.IsNullOrWhiteSpace(options.Tls.KeyPath) && !File.Exists(options.Tls.KeyPath))
            {
                failures.Add($"{MqttSettings.Section}:Tls:KeyPath names no file ({options.Tls.KeyPath}).");
            }

            if (options.PlainListener && options.Port == options.Tls.Port)
            {
                failures.Add($"{MqttSettings.Section}:Port and {MqttSettings.Section}:Tls:Port must differ (both {options.Port}).");
            }
        }

        if (options.Mode == MqttMode.Embedded && !options.PlainListener && !options.Tls.Enabled)
        {
            failures.Add($"{MqttSettings.Section}:PlainListener is off and no {MqttSettings.Section}:Tls:CertificatePath is set: the broker would listen nowhere.");
        }

        if (options.MaxPendingMessagesPerClient < 1)
        {
            failures.Add($"{MqttSettings.Section}:MaxPendingMessagesPerClient must be at least 1 (was {options.MaxPendingMessagesPerClient}).");
        }

        if (options.MaxPacketBytes is < 1024 or > 268_435_455)
        {
            failures.Add($"{MqttSettings.Section}:MaxPacketBytes must be between 1024 and 268435455 (was {options.MaxPacketBytes}).");
        }

        if (options.MaxConnectionsPerAddress < 0)
        {
            failures.Add($"{MqttSettings.Section}:MaxConnectionsPerAddress must be 0 (no cap) or more (was {options.MaxConnectionsPerAddress}).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{MqttSettings.Section}:ClientId must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
