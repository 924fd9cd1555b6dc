using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Security;

/// <summary>
/// The reverse proxies (TLS terminators, ingresses) in front of the web, bound from <c>Web:ForwardedHeaders</c>. X-Forwarded-For and
/// X-Forwarded-Proto are honoured only on connections from these: then the client address (rate limits, logs) and the scheme (HSTS)
/// are the ones the proxy saw. With none configured the headers are ignored, so no client can claim another's address.
/// </summary>
public sealed class ProxySettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Web:ForwardedHeaders";

    /// <summary>Addresses of the proxies (e.g. 10.0.0.5).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, CIDR (e.g. 10.42.0.0/16 for an ingress's pods).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row to unwrap (one, unless a CDN is in front of the ingress).</summary>
    public int ForwardLimit { get; set; } = 1;
}

internal sealed class ProxySettingsValidator : IValidateOptions<ProxySettings>
{
    public ValidateOptionsResult Validate(string? name, ProxySettings options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i].Trim(), out _))
            {
                failures.Add($"{ProxySettings.Section}:KnownProxies:{i} must be an IP address (was '{options.KnownProxies[i]}').");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i].Trim(), out var network))
            {
                failures.Add($"{ProxySettings.Section}:KnownNetworks:{i} must be a network in CIDR form such as 10.42.0.0/16 (was '{options.KnownNetworks[i]}').");
            }
            else if (network.PrefixLength == 0)
            {
                failures.Add($"{ProxySettings.Section}:KnownNetworks:{i} ('{options.KnownNetworks[i]}') would let any client claim any address: name the proxies' network.");
            }
        }

        if (options.ForwardLimit is < 1 or > 10)
        {
            failures.Add($"{ProxySettings.Section}:ForwardLimit must be 1–10 (was {options.ForwardLimit}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Turns <see cref="ProxySettings"/> into the forwarded-headers middleware's options (its loopback defaults removed).</summary>
internal sealed class ConfigureForwardedHeaders(IOptions<ProxySettings> proxies) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions options)
    {
        // The middleware believes every sender when both lists are empty: with no proxy configured, it must read nothing at all.
        var configured = proxies.Value.KnownProxies.Count > 0 || proxies.Value.KnownNetworks.Count > 0;
        options.ForwardedHeaders = configured ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
        options.ForwardLimit = proxies.Value.ForwardLimit;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies.Value.KnownProxies)
        {
            if (IPAddress.TryParse(proxy.Trim(), out var address))
            {
                options.KnownProxies.Add(address);
            }
        }

        foreach (var network in proxies.Value.KnownNetworks)
        {
            if (System.Net.IPNetwork.TryParse(network.Trim(), out var parsed))
            {
                options.KnownIPNetworks.Add(parsed);
            }
        }
    }
}
