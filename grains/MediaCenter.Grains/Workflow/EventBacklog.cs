namespace MediaCenter.Grains.Workflow;

/// <summary>
/// The part of an entity's history the event log may not hold yet: from the first version not known to be appended. A grain
/// acknowledges a command once its state is written, so the log can fall behind the state; this is what it still owes.
/// </summary>
internal sealed class EventBacklog
{
    private long? _from;

    /// <summary>True while some history may be missing from the log.</summary>
    public bool Pending => _from is not null;

    /// <summary>A version was written: the log owes it (and whatever it already owed before it).</summary>
    public void Owe(long version)
    {
        if (_from is null || _from > version)
        {
            _from = version;
        }
    }

    /// <summary>What is owed, oldest first: for a caller that appends it all at once and then says so (<see cref="Settle"/>).</summary>
    public IReadOnlyList<TEntry> Owed<TEntry>(IEnumerable<TEntry> history, Func<TEntry, long> version) =>
        _from is { } from ? [.. history.Where(h => version(h) >= from)] : [];

    /// <summary>Everything <see cref="Owed"/> returned is in the log.</summary>
    public void Settle() => _from = null;

    /// <summary>
    /// Appends what is owed, oldest first, through <paramref name="record"/>, which must be idempotent per version (replaying an
    /// entry the log already holds changes nothing). An entry that fails stays owed with everything after it.
    /// </summary>
    public async Task AppendAsync<TEntry>(IEnumerable<TEntry> history, Func<TEntry, long> version, Func<TEntry, Task> record)
    {
        if (_from is not { } from)
        {
            return;
        }

        foreach (var entry in history.Where(h => version(h) >= from))
        {
            await record(entry);
            _from = version(entry) + 1;
        }

        _from = null;
    }
}
