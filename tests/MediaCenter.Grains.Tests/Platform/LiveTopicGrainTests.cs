using System.Collections.Concurrent;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;

namespace MediaCenter.Grains.Tests.Platform;

/// <summary>The one live hub: subscriptions per topic, delivery to that topic only, snapshots for late subscribers, expiry.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LiveTopicGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static LiveTopic NewTopic() => new("test/" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_subscriber_hears_what_is_published_to_its_topic_and_nothing_of_another()
    {
        var (mine, other) = (NewTopic(), NewTopic());
        var listener = new Listener();
        var reference = fixture.Grains.CreateObjectReference<ILiveObserver>(listener);
        await fixture.Grains.Topic(mine).SubscribeAsync(reference);
        try
        {
            await fixture.Grains.PublishLiveAsync(other, Event(1));
            await fixture.Grains.PublishLiveAsync(mine, Event(2));

            var (topic, live) = await listener.NextAsync();
            Assert.Equal(mine, topic);
            Assert.Equal(Event(2), live);
            Assert.False(await listener.AnyWithinAsync(Quiet), "an event of another topic arrived");
        }
        finally
        {
            await fixture.Grains.Topic(mine).UnsubscribeAsync(reference);
        }
    }

    [Fact]
    public async Task A_channel_publishes_its_board_changes_to_its_own_board_topic()
    {
        var (a, b) = ("lt" + Guid.NewGuid().ToString("N")[..6], "lt" + Guid.NewGuid().ToString("N")[..6]);
        var listener = new Listener();
        var reference = fixture.Grains.CreateObjectReference<ILiveObserver>(listener);
        await fixture.Grains.Topic(LiveTopic.Board(a)).SubscribeAsync(reference);
        await fixture.Grains.Topic(LiveTopic.Board(b)).SubscribeAsync(reference);
        try
        {
            await fixture.Grains.GetGrain<IChannelGrain>(a).SetSuspendedAsync(true, "maintenance", "op-" + a);

            var (topic, live) = await listener.NextAsync();
            Assert.Equal(LiveTopic.Board(a), topic);
            var delta = Assert.IsType<BoardChanged>(live).Delta;
            Assert.Equal(a, delta.Channel);
            Assert.True(delta.Policy?.Suspended);
            Assert.False(await listener.AnyWithinAsync(Quiet), "channel " + b + " heard of a change of " + a);
        }
        finally
        {
            await fixture.Grains.Topic(LiveTopic.Board(a)).UnsubscribeAsync(reference);
            await fixture.Grains.Topic(LiveTopic.Board(b)).UnsubscribeAsync(reference);
        }
    }

    [Fact]
    public async Task A_new_subscriber_gets_the_retained_snapshot_once_and_a_renewal_does_not_repeat_it()
    {
        var topic = NewTopic();
        var mode = new HotModeChanged(new HotModeSnapshot(7, [], ClusterFixture.GrainClock.GetUtcNow()));
        var first = new Listener();
        var firstReference = fixture.Grains.CreateObjectReference<ILiveObserver>(first);
        var late = fixture.Grains.CreateObjectReference<ILiveObserver>(new Listener());
        Assert.Null(await fixture.Grains.Topic(topic).SubscribeAsync(firstReference));
        try
        {
            // One-way publications: each is known to have passed the hub once the first subscriber heard it.
            await fixture.Grains.PublishLiveAsync(topic, Event(1));
            await first.NextAsync();
            await fixture.Grains.PublishLiveAsync(topic, mode);
            await first.NextAsync();
            await fixture.Grains.PublishLiveAsync(topic, Event(2));
            await first.NextAsync();

            // A change is not kept (the subscriber reads the current state itself); a whole snapshot is.
            Assert.Equal(mode, await fixture.Grains.Topic(topic).SubscribeAsync(late));
            Assert.Null(await fixture.Grains.Topic(topic).SubscribeAsync(late));
        }
        finally
        {
            await fixture.Grains.Topic(topic).UnsubscribeAsync(late);
            await fixture.Grains.Topic(topic).UnsubscribeAsync(firstReference);
        }
    }

    [Fact]
    public async Task A_subscription_lapses_after_its_expiry_unless_renewed()
    {
        var (renewed, lapsed) = (NewTopic(), NewTopic());
        var listener = new Listener();
        var reference = fixture.Grains.CreateObjectReference<ILiveObserver>(listener);
        await fixture.Grains.Topic(renewed).SubscribeAsync(reference);
        await fixture.Grains.Topic(lapsed).SubscribeAsync(reference);
        try
        {
            ClusterFixture.GrainClock.Advance(ILiveTopicGrain.Expiry / 2);
            await fixture.Grains.Topic(renewed).SubscribeAsync(reference);
            ClusterFixture.GrainClock.Advance(ILiveTopicGrain.Expiry / 2 + TimeSpan.FromSeconds(1));

            Assert.Equal(1, await fixture.Grains.Topic(renewed).CountSubscribersAsync());
            Assert.Equal(0, await fixture.Grains.Topic(lapsed).CountSubscribersAsync());
            await fixture.Grains.PublishLiveAsync(lapsed, Event(1));
            await fixture.Grains.PublishLiveAsync(renewed, Event(2));
            var (topic, _) = await listener.NextAsync();
            Assert.Equal(renewed, topic);
            Assert.False(await listener.AnyWithinAsync(Quiet), "the lapsed subscription still heard its topic");
        }
        finally
        {
            await fixture.Grains.Topic(renewed).UnsubscribeAsync(reference);
        }
    }

    private static TerminalCommandIssued Event(int n) =>
        new("t-" + n, new MediaCenter.Grains.Terminals.TerminalCommand("c-" + n, MediaCenter.Grains.Terminals.TerminalCommandType.Notice, "n",
            MediaCenter.Grains.Terminals.TerminalCommandStatus.Sent, DateTimeOffset.UnixEpoch, null, null));

    private sealed class Listener : ILiveObserver
    {
        private readonly ConcurrentQueue<(LiveTopic, LiveEvent)> _received = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public void OnEvent(LiveTopic topic, LiveEvent live)
        {
            _received.Enqueue((topic, live));
            _arrived.Release();
        }

        public async Task<(LiveTopic Topic, LiveEvent Event)> NextAsync()
        {
            Assert.True(await _arrived.WaitAsync(TimeSpan.FromSeconds(10)), "no event arrived");
            Assert.True(_received.TryDequeue(out var next));
            return next;
        }

        public Task<bool> AnyWithinAsync(TimeSpan within) => _arrived.WaitAsync(within);
    }
}
