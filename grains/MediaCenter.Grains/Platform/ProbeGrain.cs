using Orleans.Concurrency;
using Orleans.Runtime;

namespace MediaCenter.Grains.Platform;

// Stateless and local to whichever silo receives the call, so readiness probes never form a hot spot.
[StatelessWorker]
internal sealed class ProbeGrain(ILocalSiloDetails silo, TimeProvider time) : Grain, IProbeGrain
{
    public Task<ProbeReply> PingAsync() => Task.FromResult(new ProbeReply(silo.Name, time.GetUtcNow()));
}
