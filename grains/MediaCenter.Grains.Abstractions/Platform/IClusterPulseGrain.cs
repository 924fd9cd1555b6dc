namespace MediaCenter.Grains.Platform;

/// <summary>
/// The cluster's own pulse (集群脉搏): a durable reminder that ticks on a fixed period and records each
/// tick, so operators and the daily patrol can see that the scheduler survives restarts and failovers.
/// </summary>
[Alias("mc.IClusterPulseGrain")]
public interface IClusterPulseGrain : IGrainWithStringKey
{
    /// <summary>The single pulse of a deployment uses this key.</summary>
    public const string DefaultKey = "cluster";

    /// <summary>Registers (or re-registers with a new period) the pulse reminder; idempotent.</summary>
    [Alias("Start")]
    Task StartAsync(TimeSpan period);

    /// <summary>What the pulse has recorded so far.</summary>
    [Alias("GetStatus")]
    Task<ClusterPulseStatus> GetStatusAsync();
}

/// <summary>A snapshot of the cluster pulse.</summary>
[GenerateSerializer, Immutable, Alias("mc.ClusterPulseStatus")]
public sealed record ClusterPulseStatus(
    [property: Id(0)] long Ticks,
    [property: Id(1)] DateTimeOffset? FirstTickAt,
    [property: Id(2)] DateTimeOffset? LastTickAt,
    [property: Id(3)] TimeSpan Period,
    [property: Id(4)] string? LastSilo);
