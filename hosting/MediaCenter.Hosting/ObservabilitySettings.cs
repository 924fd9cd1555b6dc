using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace MediaCenter.Hosting;

/// <summary>
/// Who may read /metrics and the checks behind /health/ready (section <c>Observability</c>). They name silos, addresses, versions and
/// error texts, so they answer only to clients in these networks — Prometheus and the probes live there; on the web's public port
/// everyone else gets 404 for /metrics and the readiness status without its checks. The client address is the one the forwarded
/// headers give when the web is behind a configured proxy (Web:ForwardedHeaders), so configure that behind one.
/// </summary>
public sealed class ObservabilitySettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Observability";

    /// <summary>Loopback and the private ranges: where Prometheus and the probes run in compose and Kubernetes.</summary>
    public static readonly IReadOnlyList<string> DefaultNetworks =
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

    /// <summary>Networks in CIDR form; empty (the configuration binder appends to a pre-filled list) means <see cref="DefaultNetworks"/>.</summary>
    public List<string> Networks { get; set; } = [];

    /// <summary>The networks in force.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Allowed() =>
        [.. (Networks.Count > 0 ? Networks : DefaultNetworks).Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var parsed) ? parsed : (System.Net.IPNetwork?)null)
            .OfType<System.Net.IPNetwork>()];

    /// <summary>True when the request's client may read metrics and readiness details.</summary>
    public static bool MayObserve(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } remote)
        {
            // In-process test servers have no address: nothing from outside reaches them.
            return true;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        var settings = context.RequestServices.GetService(typeof(IOptions<ObservabilitySettings>)) as IOptions<ObservabilitySettings>;
        return (settings?.Value ?? new ObservabilitySettings()).Allowed().Any(n => n.Contains(address));
    }
}

internal sealed class ObservabilitySettingsValidator : IValidateOptions<ObservabilitySettings>
{
    public ValidateOptionsResult Validate(string? name, ObservabilitySettings options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Networks.Count; i++)
        {
            var value = options.Networks[i].Trim();
            if (!System.Net.IPNetwork.TryParse(value, out var network))
            {
                failures.Add($"{ObservabilitySettings.Section}:Networks:{i} must be a network in CIDR form such as 10.0.0.0/8 (was '{value}').");
            }
            else if (network.PrefixLength == 0)
            {
                failures.Add($"{ObservabilitySettings.Section}:Networks:{i} ('{value}') lets every client read the metrics: name Prometheus's network.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
