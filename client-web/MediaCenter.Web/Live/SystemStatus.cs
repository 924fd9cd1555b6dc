using MediaCenter.Grains.Platform;
using Orleans.Runtime;

namespace MediaCenter.Web.Live;

/// <summary>The cluster as a board shows it.</summary>
public sealed record SystemStatus(
    long Version,
    DateTimeOffset At,
    IReadOnlyList<SiloInfo> Silos,
    ClusterPulseStatus? Pulse,
    string WebInstance)
{
    /// <summary>
    /// The status as everyone but platform administrators sees it: silos by name, health and count, without their network
    /// addresses (where to aim at the cluster's ports is not a signed-in reader's business), and this web instance as an opaque
    /// name instead of its host name and process id (the page only tells instances apart).
    /// </summary>
    public SystemStatus WithoutAddresses() => this with
    {
        Silos = Silos.Select(s => s with { Address = null }).ToList(),
        WebInstance = "web-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(WebInstance)).AsSpan(0, 6)),
    };
}

/// <summary>One active silo; <see cref="Address"/> is shown to platform administrators only.</summary>
public sealed record SiloInfo(string Name, string? Address, string Status, DateTimeOffset StartedAt);

/// <summary>Reads the system status through the cluster (membership and the pulse grain).</summary>
public sealed class SystemStatusReader(IClusterClient client, TimeProvider time)
{
    private long _version;
    private string? _lastFingerprint;

    /// <summary>Reads the current status; the version grows only when something other than the time changed.</summary>
    public async Task<SystemStatus> ReadAsync(CancellationToken cancellationToken)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        var pulse = await client.GetGrain<IClusterPulseGrain>(IClusterPulseGrain.DefaultKey).GetStatusAsync()
            .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);

        var silos = hosts
            .Select(h => new SiloInfo(h.SiloName, h.SiloAddress.ToParsableString(), h.Status.ToString(), new DateTimeOffset(h.StartTime, TimeSpan.Zero)))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();

        var fingerprint = string.Join('|', silos.Select(s => s.Address + s.Status)) + "#" + pulse.Ticks;
        lock (this)
        {
            if (fingerprint != _lastFingerprint)
            {
                _lastFingerprint = fingerprint;
                _version++;
            }

            return new SystemStatus(_version, time.GetUtcNow(), silos, pulse, Environment.MachineName + ":" + Environment.ProcessId);
        }
    }
}
