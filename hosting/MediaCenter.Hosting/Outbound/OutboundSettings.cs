using System.Net;
using Microsoft.Extensions.Options;

namespace MediaCenter.Hosting.Outbound;

/// <summary>
/// What server-side HTTP requests (webhooks; reprint and feed collection later) may reach. Bound from the
/// <c>Outbound</c> section and validated at start-up.
/// </summary>
public sealed class OutboundSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outbound";

    /// <summary>Plain http targets are refused unless this is true (tests, intranets without TLS).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Networks in CIDR form (<c>10.20.0.0/16</c>, <c>127.0.0.1/32</c>, <c>fd12:3456::/48</c>) that may be reached although they
    /// are loopback, private, link-local, shared (CGNAT) or reserved: the allow-list for tests and intranet receivers.
    /// Cloud metadata addresses stay refused whatever this says.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// Names answered from this table instead of DNS, each name → one or more comma-separated addresses (tests; intranets that pin
    /// a receiver's address). The answers are checked exactly like DNS answers.
    /// </summary>
    public Dictionary<string, string> Hosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The longest a whole request (connect, send, read the answer) may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest establishing one connection may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest response body read; a longer one fails the request.</summary>
    public long MaxResponseBytes { get; set; } = 1_048_576;

    /// <summary>The parsed <see cref="AllowedNetworks"/> (entries that do not parse are refused at start-up).</summary>
    internal IReadOnlyList<IPNetwork> ParsedNetworks() =>
        [.. AllowedNetworks.Select(n => IPNetwork.TryParse(n.Trim(), out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];

    /// <summary>The parsed <see cref="Hosts"/> table.</summary>
    internal IReadOnlyDictionary<string, IPAddress[]> ParsedHosts() =>
        Hosts.ToDictionary(h => h.Key.Trim().TrimEnd('.'), h => ParseAddresses(h.Value) ?? [], StringComparer.OrdinalIgnoreCase);

    internal static IPAddress[]? ParseAddresses(string value)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var addresses = new List<IPAddress>();
        foreach (var part in parts)
        {
            if (!IPAddress.TryParse(part, out var address))
            {
                return null;
            }

            addresses.Add(address);
        }

        return addresses.Count == 0 ? null : [.. addresses];
    }
}

internal sealed class OutboundSettingsValidator : IValidateOptions<OutboundSettings>
{
    public ValidateOptionsResult Validate(string? name, OutboundSettings options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedNetworks.Count; i++)
        {
            var value = options.AllowedNetworks[i].Trim();
            if (!IPNetwork.TryParse(value, out var network))
            {
                failures.Add($"{OutboundSettings.Section}:AllowedNetworks:{i} must be a network in CIDR form such as 10.20.0.0/16 or 127.0.0.1/32 (was '{value}').");
            }
            else if (!IPAddress.TryParse(value[..value.IndexOf('/', StringComparison.Ordinal)], out var given) || !given.Equals(network.BaseAddress))
            {
                // 10.0.0.1/8 is most likely a typo for 10.0.0.1/32; do not guess which was meant.
                failures.Add($"{OutboundSettings.Section}:AllowedNetworks:{i} ('{value}') has address bits set after the prefix: write {network} " +
                    "for the whole network or give the address with /32 (/128).");
            }
            else if (network.PrefixLength == 0)
            {
                failures.Add($"{OutboundSettings.Section}:AllowedNetworks:{i} ('{value}') allows every address, which turns the outbound guard off: " +
                    "list the networks of the receivers instead.");
            }
        }

        foreach (var (host, addresses) in options.Hosts)
        {
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host.Trim().TrimEnd('.')) != UriHostNameType.Dns)
            {
                failures.Add($"{OutboundSettings.Section}:Hosts has an entry '{host}' that is not a host name.");
            }

            if (OutboundSettings.ParseAddresses(addresses) is null)
            {
                failures.Add($"{OutboundSettings.Section}:Hosts:{host} must be one or more IP addresses separated by commas (was '{addresses}').");
            }
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{OutboundSettings.Section}:Timeout must be a positive time span such as 00:00:10 (was {options.Timeout}).");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{OutboundSettings.Section}:ConnectTimeout must be a positive time span such as 00:00:05 (was {options.ConnectTimeout}).");
        }

        if (options.MaxResponseBytes < 1)
        {
            failures.Add($"{OutboundSettings.Section}:MaxResponseBytes must be at least 1 (was {options.MaxResponseBytes}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
