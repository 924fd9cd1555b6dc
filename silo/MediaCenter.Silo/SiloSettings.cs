using MediaCenter.Hosting;
using Microsoft.Extensions.Options;

namespace MediaCenter.Silo;

/// <summary>Where this silo listens and what it is called. Bound from the <c>Silo</c> section.</summary>
public sealed class SiloSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Silo";

    /// <summary>A readable name for logs and the membership table (defaults to host name and port).</summary>
    public string? Name { get; set; }

    /// <summary>The address other silos and clients use to reach this silo.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port.</summary>
    public int Port { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;
}

/// <summary>The cluster pulse (see IClusterPulseGrain). Bound from the <c>Pulse</c> section.</summary>
public sealed class PulseSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Pulse";

    /// <summary>How often the pulse ticks.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class SiloSettingsValidator : IValidateOptions<SiloSettings>
{
    public ValidateOptionsResult Validate(string? name, SiloSettings options)
    {
        var failures = new List<string>();
        SettingRules.Address(failures, $"{SiloSettings.Section}:AdvertisedAddress", options.AdvertisedAddress);
        SettingRules.Port(failures, $"{SiloSettings.Section}:Port", options.Port);
        SettingRules.Port(failures, $"{SiloSettings.Section}:GatewayPort", options.GatewayPort);
        if (options.Port == options.GatewayPort)
        {
            failures.Add($"{SiloSettings.Section}:Port and {SiloSettings.Section}:GatewayPort must differ (both {options.Port}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class PulseSettingsValidator : IValidateOptions<PulseSettings>
{
    public ValidateOptionsResult Validate(string? name, PulseSettings options) =>
        options.Period > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PulseSettings.Section}:Period must be a positive time span such as 00:01:00 (was {options.Period}).");
}

/// <summary>When the daily patrol runs. Bound from the <c>Patrol</c> section.</summary>
public sealed class PatrolSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Patrol";

    /// <summary>Local time of day of the run.</summary>
    public TimeSpan TimeOfDay { get; set; } = new(2, 0, 0);

    /// <summary>The time zone of <see cref="TimeOfDay"/>.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
}

internal sealed class PatrolSettingsValidator : IValidateOptions<PatrolSettings>
{
    public ValidateOptionsResult Validate(string? name, PatrolSettings options)
    {
        var failures = new List<string>();
        if (options.TimeOfDay < TimeSpan.Zero || options.TimeOfDay >= TimeSpan.FromDays(1))
        {
            failures.Add($"{PatrolSettings.Section}:TimeOfDay must be a time of day such as 02:00:00 (was {options.TimeOfDay}).");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            failures.Add($"{PatrolSettings.Section}:TimeZone '{options.TimeZone}' is not a known time zone (e.g. Asia/Shanghai).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
