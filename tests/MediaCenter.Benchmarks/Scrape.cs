using System.Globalization;

namespace MediaCenter.Benchmarks;

/// <summary>
/// One reading of a process's Prometheus <c>/metrics</c> (text format): samples by their full name with labels, e.g.
/// <c>mediacenter_terminal_messages_applied_total{kind="heartbeat"}</c>. Two readings give rates and, for histograms,
/// the distribution of what was observed between them.
/// </summary>
internal sealed class Scrape
{
    private readonly Dictionary<string, double> _samples;

    private Scrape(Dictionary<string, double> samples, DateTimeOffset at)
    {
        _samples = samples;
        At = at;
    }

    /// <summary>When it was read: the middle of the request.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Reads <c>/metrics</c> of a process.</summary>
    public static async Task<Scrape> ReadAsync(HttpClient http, Uri process)
    {
        var started = DateTimeOffset.UtcNow;
        var text = await http.GetStringAsync(new Uri(process, "/metrics"));
        // The counters were read somewhere within the request, which takes tens of milliseconds from a loaded process.
        var at = started + ((DateTimeOffset.UtcNow - started) / 2);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples[line[..space]] = value;
            }
        }

        return new Scrape(samples, at);
    }

    /// <summary>The sum of every sample whose name contains <paramref name="part"/>; null when there is none.</summary>
    public double? SumOf(string part)
    {
        var matching = _samples.Where(kv => kv.Key.Contains(part, StringComparison.Ordinal)).ToList();
        return matching.Count == 0 ? null : matching.Sum(kv => kv.Value);
    }

    /// <summary>A sample's value, 0 when absent (a counter never incremented).</summary>
    public double this[string name] => _samples.GetValueOrDefault(name);

    /// <summary>
    /// The cumulative bucket counts of a histogram series observed between two readings, by upper bound in seconds
    /// (the +Inf bucket as <see cref="double.PositiveInfinity"/>).
    /// </summary>
    public static SortedList<double, double> BucketsBetween(Scrape before, Scrape after, string histogram, string labels)
    {
        var buckets = new SortedList<double, double>();
        var prefix = $"{histogram}_bucket{{{labels},le=\"";
        foreach (var (name, value) in after._samples)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                var le = name[prefix.Length..^2];
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                buckets[bound] = value - before[name];
            }
        }

        return buckets;
    }

    /// <summary>
    /// The upper bound of the bucket holding quantile <paramref name="q"/> (so the true quantile is at most this), in seconds;
    /// NaN when nothing was observed.
    /// </summary>
    public static double QuantileUpperBound(SortedList<double, double> cumulative, double q)
    {
        if (cumulative.Count == 0 || cumulative.Values[^1] <= 0)
        {
            return double.NaN;
        }

        var wanted = q * cumulative.Values[^1];
        foreach (var (bound, count) in cumulative)
        {
            if (count >= wanted)
            {
                return bound;
            }
        }

        return double.PositiveInfinity;
    }

    /// <summary>The share of observations at or below <paramref name="bound"/> seconds (which must be a bucket edge).</summary>
    public static double ShareAtOrBelow(SortedList<double, double> cumulative, double bound) =>
        cumulative.Count == 0 || cumulative.Values[^1] <= 0 || !cumulative.TryGetValue(bound, out var count) ? double.NaN : count / cumulative.Values[^1];
}
