using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.People;
using MediaCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.TestingHost;

namespace MediaCenter.Benchmarks;

/// <summary>
/// B8: how domain events should reach their consumers. The two transports the design allows, each in a two-silo cluster
/// (in this process, silos talking over loopback) with an implicit consumer per person: Orleans memory streams and the
/// ADO.NET stream provider on PostgreSQL. Both publish the real event type from a grain on a silo, as the event log does.
/// Measured: events/s when publishing as fast as the transport takes them (until the last one is consumed), and publish →
/// consumer latency at a steady rate. Then the recovery path of the memory-stream design: an editor grain on a real silo
/// reading the event log back from its checkpoint.
/// </summary>
internal static class StreamDelivery
{
    internal const string Provider = "b7";
    internal const string Namespace = "b7/people";

    public sealed record Options(int Events, int InFlight, int Rate, int Seconds, int Consumers, int ReplayEvents);

    private sealed record Transport(string Name, double Throughput, int Consumed, int Published, List<double> Latencies);

    public static async Task<string[]> RunAsync(TestPostgres postgres, Options o)
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync("b7");
        await AdoNetStreamSchema.CreateAsync(connectionString);
        Console.WriteLine($"B8: {o.Events} events as fast as taken ({o.InFlight} in flight), then {o.Rate}/s for {o.Seconds} s, {o.Consumers} consumers, 2 silos …");
        var memory = await MeasureAsync("memory streams",
            silo => silo.AddMemoryStreams(Provider, s => s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly)), o);
        var adoNet = await MeasureAsync("ADO.NET streams (PostgreSQL)", silo => silo.AddAdoNetStreams(Provider, s =>
        {
            s.ConfigureAdoNet(options => options.Configure(a =>
            {
                a.Invariant = "Npgsql";
                a.ConnectionString = connectionString;
            }));
            s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        }), o);
        var replay = await ReplayAsync(postgres, o.ReplayEvents);

        string Describe(Transport t)
        {
            t.Latencies.Sort();
            return $"{t.Name}: {t.Throughput:0} events/s ({t.Consumed}/{t.Published} consumed); at {o.Rate}/s publish → consumer p50 {Pct(t.Latencies, 0.5):0.0} ms, " +
                $"p99 {Pct(t.Latencies, 0.99):0.0} ms, max {(t.Latencies.Count > 0 ? t.Latencies[^1] : double.NaN):0.0} ms (n = {t.Latencies.Count})";
        }

        var result = $"{Describe(memory)}; {Describe(adoNet)}; log read-back by an editor grain on a real silo: {replay}";
        Console.WriteLine("B8: " + result);
        var verdict = memory.Consumed == memory.Published && adoNet.Consumed == adoNet.Published ? "measured (decision in docs/ARCHITECTURE.md)" : "events missing";
        return ["B8", $"domain events to implicit per-person consumers, 2 silos in one process over loopback, {o.Consumers} consumer streams, the real event type " +
            "published from a grain; pulling agents at Orleans' default period (100 ms)", "—", result,
            "choose the transport (delivery surviving a silo crash is required of both designs)", verdict];
    }

    private static async Task<Transport> MeasureAsync(string name, Action<ISiloBuilder> streams, Options o)
    {
        var arrivals = new Arrivals();
        var builder = new InProcessTestClusterBuilder(2);
        // The console shows what matters; the test cluster's own log files would land in the working directory.
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((_, silo) =>
        {
            streams(silo);
            silo.Services.AddSingleton(arrivals);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var producer = cluster.Client.GetGrain<IB8Producer>(0);
            var people = Enumerable.Range(0, o.Consumers).Select(_ => Guid.NewGuid()).ToArray();

            // Warm-up: every consumer activated, every queue polled once.
            await producer.PublishAsync(people, people.Length, 64, 0);
            await arrivals.WaitAsync(people.Length, TimeSpan.FromSeconds(60));

            arrivals.Reset();
            var clock = Stopwatch.StartNew();
            await producer.PublishAsync(people, o.Events, o.InFlight, 0);
            var consumed = await arrivals.WaitAsync(o.Events, TimeSpan.FromSeconds(120));
            var throughput = consumed / clock.Elapsed.TotalSeconds;

            arrivals.Reset();
            var steady = o.Rate * o.Seconds;
            await producer.PublishAsync(people, steady, o.InFlight, o.Rate);
            await arrivals.WaitAsync(steady, TimeSpan.FromSeconds(60));
            var result = new Transport(name, throughput, consumed, o.Events, [.. arrivals.Latencies]);
            Console.WriteLine($"B8 {name}: {throughput:0} events/s, {arrivals.Latencies.Count}/{steady} at the steady rate");
            return result;
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>An editor grain on a real silo, activated on a log that holds events it never received live.</summary>
    private static async Task<string> ReplayAsync(TestPostgres postgres, int count)
    {
        await using var deployment = new Deployment(await postgres.CreateMigratedDatabaseAsync("b7r"));
        await deployment.StartSiloAsync("b7-silo");
        var client = await deployment.ConnectClientAsync();
        var person = new Person(Guid.NewGuid(), "基准编辑");
        var at = DateTimeOffset.UtcNow;
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
        var payloads = Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new ArticleChanged
        {
            EntityId = $"b7-{i:D6}",
            Version = 1,
            At = at,
            ActorId = person.Id,
            ActorName = person.Name,
            Command = ArticleCommandType.File,
            From = ArticleStage.Pitched,
            To = ArticleStage.Pitched,
            Channel = "b7-home",
            Title = "基准稿件 " + i,
            Author = person,
        }, json)).ToArray();
        await using (var db = NpgsqlDataSource.Create(deployment.ConnectionString))
        {
            await using var insert = db.CreateCommand("""
                INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload, people)
                SELECT 'article', 'b7-' || lpad(n::text, 6, '0'), 1, 'File', @name, @at, p::jsonb, ARRAY[@person]
                FROM unnest(@payloads) WITH ORDINALITY AS t(p, n)
                """);
            insert.Parameters.AddWithValue("name", person.Name);
            insert.Parameters.AddWithValue("at", at);
            insert.Parameters.AddWithValue("person", person.Id);
            insert.Parameters.AddWithValue("payloads", payloads);
            await insert.ExecuteNonQueryAsync();
        }

        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var editor = client.GetGrain<IEditorGrain>(person.Id);
        var clock = Stopwatch.StartNew();
        var first = await editor.GetActivityAsync(day.AddDays(-1), day.AddDays(1));
        var cold = clock.Elapsed;
        var warm = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            clock.Restart();
            await editor.GetActivityAsync(day.AddDays(-1), day.AddDays(1));
            warm.Add(clock.Elapsed.TotalMilliseconds);
        }

        warm.Sort();
        var counted = first.Totals.PitchesFiled;
        return $"{counted}/{count} events read back and applied in {cold.TotalMilliseconds:0} ms on activation = {counted / cold.TotalSeconds:0} events/s; " +
            $"a read with nothing to catch up p50 {Pct(warm, 0.5):0.0} ms, p99 {Pct(warm, 0.99):0.0} ms";
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    /// <summary>What the consumers received, shared by both in-process silos.</summary>
    internal sealed class Arrivals
    {
        private int _count;

        public ConcurrentQueue<double> Latencies { get; private set; } = new();

        public void Arrived(DateTimeOffset sent)
        {
            Latencies.Enqueue((DateTimeOffset.UtcNow - sent).TotalMilliseconds);
            Interlocked.Increment(ref _count);
        }

        public void Reset()
        {
            Latencies = new ConcurrentQueue<double>();
            Interlocked.Exchange(ref _count, 0);
        }

        public async Task<int> WaitAsync(int expected, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref _count) < expected && clock.Elapsed < timeout)
            {
                await Task.Delay(5);
            }

            return Volatile.Read(ref _count);
        }
    }
}

/// <summary>Publishes B8's events from a silo, as the event log does after an append.</summary>
[Alias("mc.bench.IB8Producer")]
public interface IB8Producer : IGrainWithIntegerKey
{
    /// <summary>Publishes <paramref name="count"/> events round-robin over the people's streams, at most <paramref name="inFlight"/> unanswered, at <paramref name="rate"/>/s (0: as fast as taken).</summary>
    [Alias("Publish")]
    Task PublishAsync(Guid[] people, int count, int inFlight, int rate);
}

internal sealed class B8Producer : Grain, IB8Producer
{
    public async Task PublishAsync(Guid[] people, int count, int inFlight, int rate)
    {
        var provider = this.GetStreamProvider(StreamDelivery.Provider);
        var streams = people.Select(p => provider.GetStream<DomainEvent>(StreamId.Create(StreamDelivery.Namespace, p))).ToArray();
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            if (rate > 0 && TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var person = people[i % people.Length];
            pending.Add(streams[i % streams.Length].OnNextAsync(new ArticleChanged
            {
                EntityId = $"b7-{i:D6}",
                Version = 1,
                At = DateTimeOffset.UtcNow,
                ActorId = person,
                ActorName = "基准编辑",
                Command = ArticleCommandType.SaveDraft,
                From = ArticleStage.Drafting,
                To = ArticleStage.Drafting,
                Channel = "b7-home",
                Title = "基准稿件 " + i.ToString(CultureInfo.InvariantCulture),
                Author = new Person(person, "基准编辑"),
                Assignees = [new Person(person, "基准编辑")],
                DueAt = DateTimeOffset.UtcNow.AddDays(1),
            }));
            if (pending.Count >= inFlight)
            {
                await Task.WhenAny(pending);
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
    }
}

/// <summary>One per person, subscribed implicitly like the editor grain; records how long each event took.</summary>
[ImplicitStreamSubscription(StreamDelivery.Namespace)]
internal sealed class B8Consumer(StreamDelivery.Arrivals arrivals) : Grain, IGrainWithGuidKey, IStreamSubscriptionObserver, IAsyncObserver<DomainEvent>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => await handleFactory.Create<DomainEvent>().ResumeAsync(this);

    public Task OnNextAsync(DomainEvent item, StreamSequenceToken? token = null)
    {
        arrivals.Arrived(item.At);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
