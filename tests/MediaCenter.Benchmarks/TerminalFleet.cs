using System.Diagnostics;
using System.Text;
using MediaCenter.Grains.Terminals;
using MediaCenter.Simulator;
using MediaCenter.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.Benchmarks;

/// <summary>
/// Simulated terminals for B1: one MQTT connection each, with its own client id and credential, all in this process.
/// The generator spreads heartbeats evenly over time and over the terminals that are not silent; each heartbeat carries
/// its send time (<c>ts</c>), which is what publish → applied is measured from.
/// </summary>
internal sealed class TerminalFleet : IDisposable
{
    private readonly (string Id, string Secret)[] _terminals;
    private readonly string[] _topics;
    private IMqttClient[] _clients = [];

    private TerminalFleet((string Id, string Secret)[] terminals)
    {
        _terminals = terminals;
        _topics = terminals.Select(t => $"mc/t/{t.Id}/hb").ToArray();
    }

    /// <summary>How many terminals.</summary>
    public int Count => _terminals.Length;

    /// <summary>A terminal's id.</summary>
    public string IdOf(int index) => _terminals[index].Id;

    /// <summary>
    /// Issues each terminal a credential and registers it (heartbeat 1 s, offline after 3 s), with bounded parallelism; prints progress.
    /// </summary>
    public static async Task<TerminalFleet> RegisterAsync(Deployment deployment, IClusterClient cluster, string party, int count)
    {
        var terminals = new (string Id, string Secret)[count];
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var id = $"b1-{i:D5}";
            var secret = await deployment.Identity.Terminals.IssueAsync(id, party, null);
            await cluster.GetGrain<ITerminalGrain>(id).RegisterAsync(
                new TerminalRegistration(id, TerminalKind.Screen, "bench", party, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), "register");
            terminals[i] = (id, secret);
            if (Interlocked.Increment(ref done) % 2000 == 0)
            {
                Console.WriteLine($"B1: {done}/{count} terminals registered ({clock.Elapsed.TotalSeconds:0} s)");
            }
        });
        Console.WriteLine($"B1: {count} terminals registered in {clock.Elapsed.TotalSeconds:0} s");
        return new TerminalFleet(terminals);
    }

    /// <summary>
    /// Connects every terminal to a broker (new connections), with bounded parallelism; prints progress. With
    /// <paramref name="subscribe"/>, each also subscribes to its command topic, as a real terminal does (docs/MQTT.md).
    /// </summary>
    public async Task ConnectAsync(MqttEndpoint broker, string what, bool subscribe)
    {
        DisposeClients();
        var factory = new MqttClientFactory();
        var clients = new IMqttClient[Count];
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, cancellationToken) =>
        {
            var (id, secret) = _terminals[i];
            var client = factory.CreateMqttClient();
            var options = broker.Apply(new MqttClientOptionsBuilder()).WithClientId(id).WithCredentials(id, secret)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(60)).WithTimeout(TimeSpan.FromSeconds(60)).Build();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.ConnectAsync(options, cancellationToken);
                    if (subscribe)
                    {
                        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter($"mc/t/{id}/cmd", MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
                    }

                    break;
                }
                catch (Exception ex) when (attempt < 5)
                {
                    Console.WriteLine($"B1: {id} could not connect to {what} (attempt {attempt}): {ex.Message}");
                    await Task.Delay(500 * attempt, cancellationToken);
                }
            }

            clients[i] = client;
            if (Interlocked.Increment(ref done) % 2000 == 0)
            {
                Console.WriteLine($"B1: {done}/{Count} connected to {what} ({clock.Elapsed.TotalSeconds:0} s)");
            }
        });
        _clients = clients;
        Console.WriteLine($"B1: {Count} connections to {what} in {clock.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>What the generator did.</summary>
    public sealed record Sent(long Published, long Failed, long CouldNotSend, TimeSpan Elapsed)
    {
        /// <summary>Heartbeats published per second.</summary>
        public double Rate => Published / Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Publishes heartbeats at <paramref name="rate"/> per second in all, spread over the terminals that are not silent at the
    /// time (<paramref name="silentFrom"/>: the instant, from the start, after which a terminal sends nothing more; null for none).
    /// QoS 0 publishes are awaited in turn (a publish completes when written to the socket); QoS 1 publishes wait for their
    /// acknowledgement concurrently, at most one in flight per terminal. A generator that falls more than a second behind its
    /// schedule skips the backlog and counts it as "could not send". With a <paramref name="ramp"/>, terminals join one after
    /// another over that time (a fleet coming up), each at the full per-terminal rate once it has joined.
    /// </summary>
    public async Task<Sent> RunAsync(double rate, TimeSpan duration, MqttQualityOfServiceLevel qos, TimeSpan[]? silentFrom = null, TimeSpan? ramp = null)
    {
        var clients = _clients;
        var inFlight = new int[Count];
        long published = 0, failed = 0, couldNotSend = 0, slot = 0;
        double due = 0;
        var pending = new List<Task>();
        var cursor = -1;
        var clock = Stopwatch.StartNew();
        var previous = TimeSpan.Zero;
        while (clock.Elapsed < duration)
        {
            var elapsed = clock.Elapsed;
            var joined = ramp is { } r && elapsed < r ? Math.Clamp((int)Math.Ceiling(Count * (elapsed / r)), 1, Count) : Count;
            due += rate * joined / Count * (elapsed - previous).TotalSeconds;
            previous = elapsed;
            if (due - slot > rate)
            {
                couldNotSend += (long)(due - slot - rate);
                slot = (long)(due - rate);
            }

            for (; slot < (long)due; slot++)
            {
                // The next terminal that is still talking; silent ones give their turn to the others, so the total rate holds.
                var tries = 0;
                do
                {
                    cursor = (cursor + 1) % joined;
                }
                while (silentFrom is not null && elapsed >= silentFrom[cursor] && ++tries < joined);

                var message = new MqttApplicationMessageBuilder().WithTopic(_topics[cursor])
                    .WithPayload(Encoding.UTF8.GetBytes($"{{\"v\":1,\"ts\":\"{DateTimeOffset.UtcNow:O}\"}}"))
                    .WithQualityOfServiceLevel(qos).Build();
                if (qos == MqttQualityOfServiceLevel.AtMostOnce)
                {
                    try
                    {
                        await clients[cursor].PublishAsync(message);
                        published++;
                    }
                    catch (Exception ex)
                    {
                        Failed(ref failed, ex);
                    }

                    continue;
                }

                if (Interlocked.CompareExchange(ref inFlight[cursor], 1, 0) != 0)
                {
                    couldNotSend++;
                    continue;
                }

                pending.Add(PublishAcknowledgedAsync(cursor, message));
            }

            if (pending.Count > 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(pending);
        return new Sent(Interlocked.Read(ref published), Interlocked.Read(ref failed), couldNotSend, clock.Elapsed);

        async Task PublishAcknowledgedAsync(int index, MqttApplicationMessage message)
        {
            try
            {
                var result = await clients[index].PublishAsync(message);
                if (result.IsSuccess)
                {
                    Interlocked.Increment(ref published);
                }
                else
                {
                    Failed(ref failed, new InvalidOperationException(result.ReasonString ?? result.ReasonCode.ToString()));
                }
            }
            catch (Exception ex)
            {
                Failed(ref failed, ex);
            }
            finally
            {
                Volatile.Write(ref inFlight[index], 0);
            }
        }
    }

    private static void Failed(ref long failed, Exception ex)
    {
        if (Interlocked.Increment(ref failed) <= 3)
        {
            Console.WriteLine($"B1: a publish failed: {ex.Message}");
        }
    }

    private void DisposeClients()
    {
        foreach (var client in _clients)
        {
            client?.Dispose();
        }

        _clients = [];
    }

    /// <inheritdoc />
    public void Dispose() => DisposeClients();
}
