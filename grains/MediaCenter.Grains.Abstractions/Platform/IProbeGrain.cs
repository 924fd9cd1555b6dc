namespace MediaCenter.Grains.Platform;

/// <summary>
/// A stateless readiness probe: answering it proves a client reaches the cluster and a silo runs grains.
/// </summary>
[Alias("mc.IProbeGrain")]
public interface IProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Answers with the silo that served the call.</summary>
    [Alias("Ping")]
    Task<ProbeReply> PingAsync();
}

/// <summary>Which silo answered a probe, and when.</summary>
[GenerateSerializer, Immutable, Alias("mc.ProbeReply")]
public sealed record ProbeReply(
    [property: Id(0)] string Silo,
    [property: Id(1)] DateTimeOffset At);
