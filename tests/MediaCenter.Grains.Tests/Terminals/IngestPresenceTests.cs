using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Tests.Terminals;

/// <summary>
/// Gateway outages are not terminal outages: who is beating, when the ingest path went down and came back, and when a
/// silent terminal is judged. (The terminal grains ask the cluster's one presence grain; these use grains of their own
/// so the shared fixture's terminals are not held up.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IngestPresenceTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    private IIngestPresenceGrain NewPresence() => fixture.Grains.GetGrain<IIngestPresenceGrain>("presence-" + Guid.NewGuid().ToString("N")[..8]);

    private static DateTimeOffset Now => ClusterFixture.GrainClock.GetUtcNow();

    [Fact]
    public async Task Before_any_gateway_beats_nothing_is_known_and_terminals_are_judged_by_their_own_deadline()
    {
        var presence = await NewPresence().GetAsync();
        Assert.False(presence.Known);
        Assert.Null(presence.Defer(Now - TimeSpan.FromSeconds(10), Timeout, Now, Grace));
    }

    [Fact]
    public async Task A_gateway_that_stops_beating_is_gone_after_the_beat_timeout_and_the_outage_starts_at_its_last_beat()
    {
        var grain = NewPresence();
        await grain.BeatAsync("gw-1", TimeSpan.Zero);
        var lastBeat = Now;
        Assert.Equal(1, (await grain.GetAsync()).GatewaysUp);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));
        var stillUp = await grain.GetAsync();
        Assert.Null(stillUp.DownSince);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));
        var down = await grain.GetAsync();
        Assert.Equal(0, down.GatewaysUp);
        Assert.Equal(lastBeat, down.DownSince);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(1));
        await grain.BeatAsync("gw-2", TimeSpan.Zero);
        var back = await grain.GetAsync();
        Assert.Null(back.DownSince);
        Assert.Equal(lastBeat, back.OutageStart);
        Assert.Equal(Now, back.OutageEnd);
    }

    [Fact]
    public async Task A_gateway_stopping_on_purpose_starts_the_outage_at_once_unless_another_gateway_is_up()
    {
        var grain = NewPresence();
        await grain.BeatAsync("gw-1", TimeSpan.Zero);
        await grain.BeatAsync("gw-2", TimeSpan.Zero);
        await grain.StoppingAsync("gw-1");
        Assert.Null((await grain.GetAsync()).DownSince);

        await grain.StoppingAsync("gw-2");
        Assert.Equal(Now, (await grain.GetAsync()).DownSince);
    }

    [Fact]
    public void While_no_gateway_is_up_a_silent_terminal_is_looked_at_again_in_a_second()
    {
        var presence = new IngestPresence(true, T0, null, null, 0);
        var seen = T0 - TimeSpan.FromSeconds(1);
        var now = seen + Timeout;
        Assert.Equal(now + TimeSpan.FromSeconds(1), presence.Defer(seen, Timeout, now, Grace));
    }

    [Fact]
    public void A_gateway_outage_longer_than_the_grace_shows_as_terminals_offline()
    {
        var presence = new IngestPresence(true, T0, null, null, 0);
        Assert.Equal(T0 + Grace, presence.Defer(T0, Timeout, T0 + Grace - TimeSpan.FromMilliseconds(500), Grace));
        Assert.Null(presence.Defer(T0, Timeout, T0 + Grace, Grace));
    }

    [Fact]
    public void After_the_gateway_is_back_each_terminal_silent_during_the_outage_gets_a_full_timeout_to_reconnect()
    {
        var end = T0 + TimeSpan.FromSeconds(8);
        var presence = new IngestPresence(true, null, T0, end, 1);
        var seen = T0 - TimeSpan.FromMilliseconds(200);
        Assert.Equal(end + Timeout, presence.Defer(seen, Timeout, end + TimeSpan.FromSeconds(1), Grace));
        Assert.Null(presence.Defer(seen, Timeout, end + Timeout, Grace));
    }

    [Fact]
    public void A_terminal_silent_before_the_outage_began_or_heard_after_it_ended_is_judged_by_its_own_deadline()
    {
        var end = T0 + TimeSpan.FromSeconds(8);
        var presence = new IngestPresence(true, null, T0, end, 1);
        var silentBefore = T0 - Timeout - TimeSpan.FromSeconds(1);
        Assert.Null(presence.Defer(silentBefore, Timeout, end + TimeSpan.FromSeconds(1), Grace));
        var heardAfter = end + TimeSpan.FromSeconds(1);
        Assert.Null(presence.Defer(heardAfter, Timeout, heardAfter + Timeout, Grace));
    }

    [Fact]
    public void A_late_gateway_beat_holds_a_verdict_back_for_a_moment_and_a_fresh_one_does_not()
    {
        var seen = T0 - Timeout;
        var late = new IngestPresence(true, null, null, null, 1, T0 - TimeSpan.FromSeconds(2));
        Assert.Equal(T0 + IngestPresence.Recheck, late.Defer(seen, Timeout, T0, Grace));
        var fresh = late with { LastBeat = T0 - TimeSpan.FromMilliseconds(900) };
        Assert.Null(fresh.Defer(seen, Timeout, T0, Grace));
    }

    [Fact]
    public async Task The_newest_beat_of_the_gateways_up_is_reported()
    {
        var grain = NewPresence();
        await grain.BeatAsync("gw-1", TimeSpan.Zero);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMilliseconds(500));
        await grain.BeatAsync("gw-2", TimeSpan.Zero);
        Assert.Equal(Now, (await grain.GetAsync()).LastBeat);
    }

    [Fact]
    public void A_gateway_behind_with_its_queue_moves_a_terminals_deadline_by_its_backlog()
    {
        var seen = T0 - Timeout;
        var behind = new IngestPresence(true, null, null, null, 1, T0, TimeSpan.FromSeconds(2));
        Assert.Equal(T0 + TimeSpan.FromSeconds(2), behind.Defer(seen, Timeout, T0, Grace));
        var later = T0 + TimeSpan.FromSeconds(2);
        Assert.Null((behind with { LastBeat = later }).Defer(seen, Timeout, later, Grace));
        var keepingUp = behind with { Backlog = TimeSpan.FromMilliseconds(100) };
        Assert.Null(keepingUp.Defer(seen, Timeout, T0, Grace));
    }

    [Fact]
    public async Task The_largest_backlog_of_the_gateways_up_is_reported()
    {
        var grain = NewPresence();
        await grain.BeatAsync("gw-1", TimeSpan.FromSeconds(3));
        await grain.BeatAsync("gw-2", TimeSpan.FromMilliseconds(200));
        Assert.Equal(TimeSpan.FromSeconds(3), (await grain.GetAsync()).Backlog);
    }
}
