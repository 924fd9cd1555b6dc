using System.Collections.Concurrent;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Tests.Terminals;

/// <summary>
/// Terminal changes leave each silo as batches, latest per terminal: a lone change at once, the next one no sooner than the
/// minimum gap after the previous batch (grain time; the shared fixture's other terminals may send batches of their own,
/// which only ever make a change wait for the gap, never longer).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FleetPublisherTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task A_lone_change_leaves_at_once_and_the_next_waits_out_the_gap_coalesced_per_terminal()
    {
        var prefix = "fleet-" + Guid.NewGuid().ToString("N")[..8];
        var board = new Board(prefix);
        var reference = fixture.Grains.CreateObjectReference<ILiveObserver>(board);
        var subscriptions = fixture.Grains.Topic(LiveTopic.Fleet);
        await subscriptions.SubscribeAsync(reference);
        var publisher = fixture.Grains.GetGrain<IFleetPublisherGrain>(0);
        try
        {
            ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(1));
            var othersBefore = board.Others;
            await publisher.EnqueueAsync(Delta(prefix + "-a", 1));
            // Real time is given generously here (a loaded machine is slow to pass four hops); grain time must not move.
            var first = await GrainTimeUntilAsync(board, prefix + "-a", TimeSpan.FromSeconds(3));
            if (board.Others == othersBefore)
            {
                Assert.Equal(TimeSpan.Zero, first);
            }
            else
            {
                // Another test's terminal sent a batch just before: this one waited for the gap, and no longer.
                Assert.True(first <= FleetPublisherGrain.MinimumGap, $"the lone change waited {first.TotalMilliseconds} ms of grain time");
            }

            await publisher.EnqueueAsync(Delta(prefix + "-b", 1));
            await publisher.EnqueueAsync(Delta(prefix + "-b", 2));
            // Each step of grain time gets half a second of real time to show its effect: on a loaded machine the timer's
            // callback and the observer call can take longer than a step, and too little patience moves grain time past the gap.
            var second = await GrainTimeUntilAsync(board, prefix + "-b", TimeSpan.FromMilliseconds(500));
            Assert.InRange(second, FleetPublisherGrain.MinimumGap - Step, FleetPublisherGrain.MinimumGap + Step);

            var b = Assert.Single(board.Received, d => d.Id == prefix + "-b");
            Assert.Equal(2, b.Version);
        }
        finally
        {
            await subscriptions.UnsubscribeAsync(reference);
        }
    }

    /// <summary>Moves grain time on in small steps (each after <paramref name="patience"/> of real time) until the board has the terminal's change; returns how much had to pass.</summary>
    private static async Task<TimeSpan> GrainTimeUntilAsync(Board board, string id, TimeSpan patience)
    {
        var advanced = TimeSpan.Zero;
        while (advanced <= TimeSpan.FromMilliseconds(500))
        {
            if (await board.WaitForAsync(id, patience))
            {
                return advanced;
            }

            ClusterFixture.GrainClock.Advance(Step);
            advanced += Step;
        }

        throw new TimeoutException($"{id} never reached the board");
    }

    private static TerminalDelta Delta(string id, long version) =>
        new(id, "party", "region", TerminalHealth.Online, ClusterFixture.GrainClock.GetUtcNow(), version, ClusterFixture.GrainClock.GetUtcNow());

    private sealed class Board(string prefix) : ILiveObserver
    {
        private readonly SemaphoreSlim _arrived = new(0);

        private int _others;

        public ConcurrentQueue<TerminalDelta> Received { get; } = new();

        /// <summary>Changes of terminals other than this test's.</summary>
        public int Others => Volatile.Read(ref _others);

        public void OnEvent(LiveTopic topic, LiveEvent live)
        {
            var changes = Assert.IsType<TerminalsChanged>(live).Changes;
            Interlocked.Add(ref _others, changes.Count(c => !c.Id.StartsWith(prefix, StringComparison.Ordinal)));
            foreach (var change in changes.Where(c => c.Id.StartsWith(prefix, StringComparison.Ordinal)))
            {
                Received.Enqueue(change);
                _arrived.Release();
            }
        }

        public async Task<bool> WaitForAsync(string id, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (!Received.Any(d => d.Id == id))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                {
                    return Received.Any(d => d.Id == id);
                }
            }

            return true;
        }
    }
}
