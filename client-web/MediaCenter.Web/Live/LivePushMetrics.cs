using Prometheus;

namespace MediaCenter.Web.Live;

/// <summary>
/// <c>mediacenter_live_push_delay_seconds{feed}</c>: from the moment a grain announced a change to the moment this
/// web host handed it to SignalR. <c>board</c>: newsroom board deltas (channel grain → hub); <c>fleet</c>: terminal
/// changes, which also wait for the feed's coalescing cadence. Grain and web clocks are assumed in step (NTP); a
/// negative difference counts as zero. Both feeds are published from the start, at zero.
/// </summary>
public sealed class LivePushMetrics(TimeProvider time)
{
    private static readonly Histogram Delay = Metrics.CreateHistogram(
        "mediacenter_live_push_delay_seconds", "Time from a grain's change to its SignalR send, by feed (board, fleet).",
        new HistogramConfiguration
        {
            LabelNames = ["feed"],
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        });

    private readonly Histogram.Child _board = Delay.WithLabels("board");
    private readonly Histogram.Child _fleet = Delay.WithLabels("fleet");

    /// <summary>A board delta was sent.</summary>
    public void BoardSent(DateTimeOffset changedAt) => _board.Observe(Since(changedAt));

    /// <summary>A terminal change was sent.</summary>
    public void FleetSent(DateTimeOffset changedAt) => _fleet.Observe(Since(changedAt));

    private double Since(DateTimeOffset changedAt) => Math.Max(0, (time.GetUtcNow() - changedAt).TotalSeconds);
}
