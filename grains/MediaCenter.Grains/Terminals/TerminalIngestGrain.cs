using MediaCenter.Grains.Terminals;
using Orleans.Concurrency;

namespace MediaCenter.Grains.Terminals;

// One activation per silo core; it fans a gateway batch out to the terminal grains.
[StatelessWorker]
internal sealed class TerminalIngestGrain : Grain, ITerminalIngestGrain
{
    public async Task<int> IngestAsync(IReadOnlyList<TerminalMessage> batch)
    {
        var tasks = new List<Task>();
        foreach (var group in batch.GroupBy(m => m.TerminalId, StringComparer.Ordinal))
        {
            tasks.Add(GrainFactory.GetGrain<ITerminalGrain>(group.Key).ReceiveAsync(group.ToList()));
        }

        await Task.WhenAll(tasks);
        return batch.Count;
    }
}
