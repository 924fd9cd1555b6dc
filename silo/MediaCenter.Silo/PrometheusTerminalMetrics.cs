using MediaCenter.Grains.Terminals;
using Prometheus;

namespace MediaCenter.Silo;

/// <summary>
/// Terminal messages applied by this silo's terminal grains, and how long after the terminal sent them (its <c>ts</c>) and
/// after the gateway received them. Both lags compare two machines' clocks: meaningful where clocks are synchronised.
/// </summary>
internal sealed class PrometheusTerminalMetrics : ITerminalMetrics
{
    /// <summary>Lag buckets in seconds: 5–10 ms steps up to 50 ms, 25 ms steps to 100 ms, coarser above (the B1 target is 100 ms).</summary>
    internal static readonly double[] LagBuckets =
        [0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30];

    private static readonly Counter AppliedTotal = Metrics.CreateCounter("mediacenter_terminal_messages_applied_total",
        "Terminal messages applied by terminal grains, by kind.", "kind");

    private static readonly Histogram Lag = Metrics.CreateHistogram("mediacenter_terminal_ingest_lag_seconds",
        "Seconds from a terminal message being sent (from=sent: the terminal's ts) or received by the gateway (from=received) to being applied in its terminal grain.",
        new HistogramConfiguration { LabelNames = ["from"], Buckets = LagBuckets });

    // Children resolved once: this runs for every message.
    private readonly Counter.Child[] _applied = Enum.GetValues<TerminalMessageKind>()
        .Select(kind => AppliedTotal.WithLabels(kind.ToString().ToLowerInvariant())).ToArray();

    private readonly Histogram.Child _sentLag = Lag.WithLabels("sent");
    private readonly Histogram.Child _receivedLag = Lag.WithLabels("received");

    public void Applied(TerminalMessage message, DateTimeOffset appliedAt)
    {
        var kind = (int)message.Kind;
        if (kind >= 0 && kind < _applied.Length)
        {
            _applied[kind].Inc();
        }

        _receivedLag.Observe((appliedAt - message.ReceivedAt).TotalSeconds);
        if (message.SentAt is { } sent)
        {
            _sentLag.Observe((appliedAt - sent).TotalSeconds);
        }
    }
}
