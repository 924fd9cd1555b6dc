using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace MediaCenter.Grains.Operations;

/// <summary>Stored state of the hot-mode registry. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.HotModeState")]
public sealed class HotModeState
{
    [Id(0)] public List<HotModeEntry> Events { get; set; } = [];
    [Id(1)] public long Version { get; set; }
}

/// <summary>
/// The platform's hot-event mode (key 0): every acknowledged or active event, kept up to date by the event
/// grains. Whenever it changes it publishes <see cref="HotModeChanged"/> on its live topic (the web instances'
/// caches and every signed-in connection's banner). An entry whose window has closed is left out of every answer even before its
/// grain removes it, so the mode never outlives a window.
/// </summary>
internal sealed class HotModeGrain(
    [PersistentState("hotMode", StorageNames.Main)] IPersistentState<HotModeState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IHotModeGrain
{
    public Task<HotModeSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task TrackAsync(HotModeEntry entry)
    {
        var known = state.State.Events.FindIndex(e => e.Id == entry.Id);
        if (known >= 0 && (state.State.Events[known].Version > entry.Version || state.State.Events[known] == entry))
        {
            return;
        }

        // A concrete list: the state is stored as JSON that names runtime types.
        var stored = entry with { Channels = entry.Channels.ToList() };
        if (known >= 0)
        {
            state.State.Events[known] = stored;
        }
        else
        {
            state.State.Events.Add(stored);
        }

        await ChangedAsync();
    }

    public async Task ForgetAsync(string eventId, long version)
    {
        var removed = state.State.Events.RemoveAll(e => e.Id == eventId && e.Version <= version);
        if (removed > 0)
        {
            await ChangedAsync();
        }
    }

    private async Task ChangedAsync()
    {
        state.State.Version++;
        var now = time.GetUtcNow();
        // Entries whose window closed long ago and were never removed (their grain is gone) are dropped here.
        state.State.Events.RemoveAll(e => e.EndsAt < now - TimeSpan.FromDays(1));
        state.State.Events.Sort((a, b) => a.StartsAt.CompareTo(b.StartsAt));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            throw;
        }

        _ = GrainFactory.PublishLiveAsync(LiveTopic.HotMode, new HotModeChanged(Snapshot()));
    }

    private HotModeSnapshot Snapshot()
    {
        var now = time.GetUtcNow();
        return new HotModeSnapshot(state.State.Version, state.State.Events.Where(e => e.EndsAt > now).ToList(), now);
    }
}
