using Orleans.Concurrency;

namespace MediaCenter.Grains.Operations;

/// <summary>Writes the web instances' minute counts of hot-event traffic to the journal; nothing is held.</summary>
[StatelessWorker]
internal sealed class HotTrafficGrain(IHotEventJournal journal) : Grain, IHotTrafficGrain
{
    private const int MaxMinutes = 10_000;

    public Task RecordAsync(string instance, List<HotTrafficMinute> minutes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instance);
        if (minutes.Count > MaxMinutes)
        {
            throw new ArgumentException($"At most {MaxMinutes} minute counts at once.", nameof(minutes));
        }

        return minutes.Count == 0 ? Task.CompletedTask : journal.RecordTrafficAsync(instance, minutes);
    }
}
