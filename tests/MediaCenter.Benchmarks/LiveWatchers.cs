using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Benchmarks;

/// <summary>
/// B3's SignalR clients: real connections (WebSockets, JSON, as the browser's client) that register every method the
/// boards listen to and record, while recording, how many messages each connection received in each second and how long
/// after its origin each event arrived: a board delta from its card's <c>updatedAt</c> (when the story's grain applied the
/// transition), a terminal change from its <c>at</c> (when the terminal's grain changed health), a plain tick from its <c>at</c>.
/// </summary>
internal sealed class LiveWatchers : IAsyncDisposable
{
    /// <summary>Methods the browser boards register (app.js, newsroom.js, incidents.js, ops.js).</summary>
    public static readonly string[] ProductMethods =
        ["systemStatus", "securityAlert", "terminalChanges", "boardChanged", "incidentChanged", "notification", "hotEventMode", "hotEventChanged"];

    private const int MaxSeconds = 600;
    private readonly List<Watcher> _watchers = [];
    private readonly Stopwatch _window = new();
    private volatile bool _recording;

    private sealed class Watcher(HubConnection connection, string kind)
    {
        public HubConnection Connection { get; } = connection;

        public string Kind { get; } = kind;

        public Dictionary<string, int[]> PerSecond { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<double>> Latencies { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>One connection to open: the hub, a bearer token (or none), a kind for the report, a board to watch (or none).</summary>
    public sealed record Spec(Uri Hub, string? Token, string Kind, string? Board);

    /// <summary>Opens the connections with bounded parallelism; every one registers <paramref name="methods"/>.</summary>
    public static async Task<LiveWatchers> ConnectAsync(IReadOnlyList<Spec> specs, IReadOnlyList<string> methods)
    {
        var watchers = new LiveWatchers();
        var clock = Stopwatch.StartNew();
        var opened = new Watcher[specs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, specs.Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, cancellationToken) =>
        {
            var spec = specs[i];
            var connection = new HubConnectionBuilder()
                .WithUrl(spec.Hub, HttpTransportType.WebSockets, o =>
                {
                    o.SkipNegotiation = true;
                    if (spec.Token is { } token)
                    {
                        o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    }
                })
                .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error))
                .Build();
            // A loaded machine may hold the server's pings back; a dropped connection would spoil the count.
            connection.ServerTimeout = TimeSpan.FromMinutes(3);
            var watcher = new Watcher(connection, spec.Kind);
            foreach (var method in methods)
            {
                watcher.PerSecond[method] = new int[MaxSeconds];
                watcher.Latencies[method] = [];
                connection.On<JsonElement>(method, payload => watchers.Receive(watcher, method, payload));
            }

            await connection.StartAsync(cancellationToken);
            if (spec.Board is { } board && !await connection.InvokeAsync<bool>("WatchBoard", board, cancellationToken))
            {
                throw new InvalidOperationException($"a {spec.Kind} connection may not watch board {board}");
            }

            opened[i] = watcher;
        });
        watchers._watchers.AddRange(opened);
        Console.WriteLine($"B3: {specs.Count} SignalR connections open in {clock.Elapsed.TotalSeconds:0.0} s");
        return watchers;
    }

    private void Receive(Watcher watcher, string method, JsonElement payload)
    {
        var now = DateTimeOffset.UtcNow;
        if (!_recording)
        {
            return;
        }

        var second = (int)_window.Elapsed.TotalSeconds;
        lock (watcher)
        {
            if (second < MaxSeconds)
            {
                watcher.PerSecond[method][second]++;
            }

            var latencies = watcher.Latencies[method];
            switch (method)
            {
                case "boardChanged" when payload.TryGetProperty("card", out var card) && card.ValueKind == JsonValueKind.Object:
                    latencies.Add((now - card.GetProperty("updatedAt").GetDateTimeOffset()).TotalMilliseconds);
                    break;
                case "terminalChanges" when payload.ValueKind == JsonValueKind.Array:
                    foreach (var delta in payload.EnumerateArray())
                    {
                        latencies.Add((now - delta.GetProperty("at").GetDateTimeOffset()).TotalMilliseconds);
                    }

                    break;
                case PlainHub.Method:
                    latencies.Add((now - payload.GetProperty("at").GetDateTimeOffset()).TotalMilliseconds);
                    break;
            }
        }
    }

    /// <summary>Starts recording (second 0 is now).</summary>
    public void Record()
    {
        _window.Restart();
        _recording = true;
    }

    /// <summary>What the connections received while recording.</summary>
    public sealed record Summary(int Connections, int Seconds, Dictionary<string, (int MaxPerClientPerSecond, double MeanPerClientPerSecond, long Messages)> Rates,
        Dictionary<string, List<double>> Latencies, int MaxAllMethodsPerClientPerSecond, int Disconnected);

    /// <summary>Stops recording and sums up whole seconds only (the last, partial one is left out).</summary>
    public Summary Stop()
    {
        _recording = false;
        var seconds = Math.Min(MaxSeconds, (int)_window.Elapsed.TotalSeconds);
        var rates = new Dictionary<string, (int, double, long)>(StringComparer.Ordinal);
        var latencies = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var maxAll = 0;
        foreach (var watcher in _watchers)
        {
            lock (watcher)
            {
                for (var s = 0; s < seconds; s++)
                {
                    maxAll = Math.Max(maxAll, watcher.PerSecond.Values.Sum(counts => counts[s]));
                }

                foreach (var (method, counts) in watcher.PerSecond)
                {
                    var (max, sum, total) = rates.GetValueOrDefault(method);
                    var mine = counts.Take(seconds).ToArray();
                    rates[method] = (Math.Max(max, mine.DefaultIfEmpty().Max()), sum + (mine.Sum() / (double)Math.Max(1, seconds)), total + mine.Sum());
                    if (!latencies.TryGetValue(method, out var all))
                    {
                        latencies[method] = all = [];
                    }

                    all.AddRange(watcher.Latencies[method]);
                }
            }
        }

        foreach (var list in latencies.Values)
        {
            list.Sort();
        }

        // The mean is over the connections that receive the method at all (operators get no board deltas, newsroom members no terminal changes).
        foreach (var method in rates.Keys.ToList())
        {
            var receivers = _watchers.Count(w => w.PerSecond[method].Take(seconds).Any(n => n > 0));
            var (max, sum, total) = rates[method];
            rates[method] = (max, receivers == 0 ? 0 : sum / receivers, total);
        }

        var disconnected = _watchers.Count(w => w.Connection.State != HubConnectionState.Connected);
        return new Summary(_watchers.Count, seconds, rates, latencies, maxAll, disconnected);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_watchers, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (w, _) => await w.Connection.DisposeAsync());
    }
}

/// <summary>
/// B3's baseline: a minimal ASP.NET Core app in this process with one hub and nothing else (no sign-in, no groups, no cluster),
/// broadcasting a message of about a board delta's size to every connection at a fixed rate.
/// </summary>
internal sealed class PlainHub : Hub
{
    /// <summary>The client method.</summary>
    public const string Method = "tick";

    /// <summary>Starts the app on a loopback port; returns it and the hub's address.</summary>
    public static async Task<(WebApplication App, Uri Hub)> StartAsync()
    {
        var port = MediaCenter.Testing.FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<PlainHub>("/hub");
        await app.StartAsync();
        return (app, new Uri($"http://127.0.0.1:{port}/hub"));
    }

    /// <summary>Broadcasts to every connection <paramref name="perSecond"/> times a second for <paramref name="duration"/>.</summary>
    public static async Task BroadcastAsync(WebApplication app, double perSecond, TimeSpan duration)
    {
        var hub = app.Services.GetRequiredService<IHubContext<PlainHub>>();
        var filler = new string('x', 600);
        var clock = Stopwatch.StartNew();
        for (long sent = 0; clock.Elapsed < duration; sent++)
        {
            var due = TimeSpan.FromSeconds(sent / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            await hub.Clients.All.SendAsync(Method, new { at = DateTimeOffset.UtcNow, filler });
        }
    }
}

/// <summary>
/// B3's SignalR clients in a process of their own (this program with <c>watch SPECFILE</c>), as browsers are: their receive
/// instants are not held up by the MQTT load generator's work and collections in the suite's process. Commands on standard
/// input: <c>record</c>, <c>stop FILE</c> (the summary as JSON into FILE), <c>exit</c>.
/// </summary>
internal sealed class RemoteWatchers : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };
    private readonly Process _process;

    private RemoteWatchers(Process process) => _process = process;

    /// <summary>The process's id (for its CPU time).</summary>
    public int Pid => _process.Id;

    private sealed record Setup(List<LiveWatchers.Spec> Specs, List<string> Methods);

    /// <summary>Starts the process and waits until every connection is open (its progress lines are echoed).</summary>
    public static async Task<RemoteWatchers> ConnectAsync(IReadOnlyList<LiveWatchers.Spec> specs, IReadOnlyList<string> methods)
    {
        var setupFile = Path.Combine(Path.GetTempPath(), $"mc-bench-watch-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(setupFile, JsonSerializer.Serialize(new Setup([.. specs], [.. methods]), Json));
        File.SetUnixFileMode(setupFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var remote = new RemoteWatchers(BenchProcess.Start("the SignalR clients' process", "watch", setupFile));
        try
        {
            await remote.ExpectAsync("ready", TimeSpan.FromMinutes(3));
        }
        finally
        {
            File.Delete(setupFile);
        }

        return remote;
    }

    /// <summary>Starts recording (second 0 is now).</summary>
    public async Task RecordAsync()
    {
        await _process.StandardInput.WriteLineAsync("record");
        await ExpectAsync("recording", TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops recording and returns what the connections received.</summary>
    public async Task<LiveWatchers.Summary> StopAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mc-bench-watched-{Guid.NewGuid():N}.json");
        await _process.StandardInput.WriteLineAsync("stop " + file);
        await ExpectAsync("stopped", TimeSpan.FromMinutes(1));
        try
        {
            return JsonSerializer.Deserialize<LiveWatchers.Summary>(await File.ReadAllTextAsync(file), Json)
                ?? throw new InvalidOperationException("the SignalR clients' process wrote no summary");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The process side: opens the connections, then follows the commands on standard input.</summary>
    public static async Task<int> ServeAsync(string setupFile)
    {
        var setup = JsonSerializer.Deserialize<Setup>(await File.ReadAllTextAsync(setupFile), Json)
            ?? throw new InvalidOperationException("no setup in " + setupFile);
        await using var watchers = await LiveWatchers.ConnectAsync(setup.Specs, setup.Methods);
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } line && line != "exit")
        {
            if (line == "record")
            {
                watchers.Record();
                Console.WriteLine("recording");
            }
            else if (line.StartsWith("stop ", StringComparison.Ordinal))
            {
                await File.WriteAllTextAsync(line[5..], JsonSerializer.Serialize(watchers.Stop(), Json));
                Console.WriteLine("stopped");
            }
        }

        return 0;
    }

    private async Task ExpectAsync(string expected, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == expected)
            {
                return;
            }

            Console.WriteLine(line);
        }

        throw new InvalidOperationException($"the SignalR clients' process ended before saying '{expected}' (exit code {(_process.HasExited ? _process.ExitCode : -1)})");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("exit");
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
