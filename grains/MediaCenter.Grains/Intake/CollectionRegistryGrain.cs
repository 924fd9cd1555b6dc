using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Intake;

/// <summary>Stored state of the collection registry. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.CollectionRegistryState")]
public sealed class CollectionRegistryState
{
    [Id(0)] public List<string> Channels { get; set; } = [];
}

/// <summary>The channels with feed sources; an inbox adds its channel when it first hears of a source.</summary>
internal sealed class CollectionRegistryGrain(
    [PersistentState("collection-registry", StorageNames.Main)] IPersistentState<CollectionRegistryState> state) : Grain, ICollectionRegistryGrain
{
    public async Task AddChannelAsync(string channel)
    {
        if (!state.State.Channels.Contains(channel))
        {
            state.State.Channels.Add(channel);
            await state.WriteStateAsync();
        }
    }

    public Task<List<string>> ChannelsAsync() => Task.FromResult(new List<string>(state.State.Channels));
}

/// <summary>The daily patrol's look at directed collection: sources turned on that have failed for more than a day.</summary>
internal static class CollectionPatrol
{
    internal static readonly TimeSpan FailingFor = TimeSpan.FromDays(1);

    public static async Task<PatrolCheck> CheckAsync(IGrainFactory grains, DateTimeOffset now)
    {
        var failing = new List<Msg>();
        var sources = 0;
        foreach (var channel in await grains.GetGrain<ICollectionRegistryGrain>(0).ChannelsAsync())
        {
            var desk = await grains.GetGrain<ICollectionInboxGrain>(channel).GetAsync();
            sources += desk.Sources.Count(s => s.State == FeedSourceState.On);
            failing.AddRange(desk.Sources
                .Where(s => s.State == FeedSourceState.On && s.FailingSince is { } since && now - since > FailingFor)
                .Select(s => Msg.Of("intake.failingSource", ("channel", channel), ("name", s.Settings.Name), ("error", s.LastError))));
        }

        var figures = new Dictionary<string, long> { ["sources"] = sources, ["failingOverADay"] = failing.Count };
        return failing.Count == 0
            ? new PatrolCheck("collection", PatrolStatus.Ok, Msg.Of("intake.patrolOk", ("sources", sources)), null, figures)
            : new PatrolCheck("collection", PatrolStatus.Warning,
                Msg.Of("intake.patrolFailing", ("sources", Msg.List(failing.Cast<object?>()))), "collection.failing", figures);
    }
}
