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

    /// <summary>
    /// Run as a Kubernetes pod (Orleans' Kubernetes hosting): the name, the advertised address and the cluster
    /// ids come from the pod (POD_NAME, POD_IP, ORLEANS_CLUSTER_ID …), the silo listens on every address, and
    /// silos whose pods are deleted are declared dead at once. <see cref="Name"/> and <see cref="AdvertisedAddress"/>
    /// are not used then.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// How grain state is written as JSON: <c>true</c> (the default) names a type only where the declared type does not say it and
    /// writes shared objects once per place; <c>false</c> writes Orleans' own default (a type name and a reference id on every
    /// object), the format of every state written before 2026-12-06. Either reads both (see <see cref="GrainStateJson"/>).
    /// </summary>
    public bool CompactGrainState { get; set; } = true;
}

/// <summary>The cluster pulse (see IClusterPulseGrain). Bound from the <c>Pulse</c> section.</summary>
public sealed class PulseSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Pulse";

    /// <summary>How often the pulse ticks.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class SiloSettingsValidator(IOptions<ClusterSettings> cluster) : IValidateOptions<SiloSettings>
{
    /// <summary>What Orleans' Kubernetes hosting reads from the pod: set by the manifest through the downward API.</summary>
    private static readonly string[] PodVariables = ["POD_NAME", "POD_NAMESPACE", "POD_IP"];

    public ValidateOptionsResult Validate(string? name, SiloSettings options)
    {
        var failures = new List<string>();
        if (options.Kubernetes)
        {
            ValidateKubernetes(failures, options);
        }
        else
        {
            SettingRules.Address(failures, $"{SiloSettings.Section}:AdvertisedAddress", options.AdvertisedAddress);
        }

        SettingRules.Port(failures, $"{SiloSettings.Section}:Port", options.Port);
        SettingRules.Port(failures, $"{SiloSettings.Section}:GatewayPort", options.GatewayPort);
        if (options.Port == options.GatewayPort)
        {
            failures.Add($"{SiloSettings.Section}:Port and {SiloSettings.Section}:GatewayPort must differ (both {options.Port}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? Environment(string variable) => System.Environment.GetEnvironmentVariable(variable);

    // Orleans reads these from the environment itself; checking them here turns a pod that was set up wrong into one
    // clear start-up failure instead of a silo that joins under the wrong name or address, or a cluster of its own.
    private void ValidateKubernetes(List<string> failures, SiloSettings options)
    {
        var key = $"{SiloSettings.Section}:Kubernetes";
        if (string.IsNullOrEmpty(Environment("KUBERNETES_SERVICE_HOST")))
        {
            failures.Add($"{key} is true but KUBERNETES_SERVICE_HOST is not set: this process is not running in a Kubernetes pod.");
        }

        foreach (var variable in PodVariables)
        {
            if (string.IsNullOrWhiteSpace(Environment(variable)))
            {
                failures.Add($"{key} is true but the environment variable {variable} is not set (give it from the pod with the downward API, fieldRef).");
            }
        }

        if (Environment("POD_IP") is { Length: > 0 } podIp && !System.Net.IPAddress.TryParse(podIp, out _))
        {
            failures.Add($"{key} is true but POD_IP is not an IP address (was '{podIp}'; use fieldRef status.podIP).");
        }

        if (options.Name is { Length: > 0 } siloName && Environment("POD_NAME") is { Length: > 0 } podName && siloName != podName)
        {
            failures.Add($"{SiloSettings.Section}:Name must be empty or the pod's name with {key} (was '{siloName}', the pod is '{podName}'): Orleans names the silo after its pod.");
        }

        // Orleans' Kubernetes hosting takes the ids from these variables; web and gateway take them from Cluster:*.
        Same(failures, "ORLEANS_CLUSTER_ID", $"{ClusterSettings.Section}:ClusterId", cluster.Value.ClusterId);
        Same(failures, "ORLEANS_SERVICE_ID", $"{ClusterSettings.Section}:ServiceId", cluster.Value.ServiceId);
    }

    private static void Same(List<string> failures, string variable, string setting, string expected)
    {
        if (Environment(variable) is { Length: > 0 } actual && actual != expected)
        {
            failures.Add($"{variable} ('{actual}') must equal {setting} ('{expected}'): clients find the silos by {setting}.");
        }
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
