using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace MediaCenter.Benchmarks;

/// <summary>
/// B1's baseline broker: the gateway's MQTTnet 5 server with the gateway's options (loopback endpoint, pending messages per
/// client, drop-oldest) and nothing else: no credential check, no interception, no grains. It runs in a process of its own
/// (this program, <c>bare-broker PORT</c>) with server GC, like the gateway, and stops when "stop" arrives on its input.
/// </summary>
internal static class BareBroker
{
    /// <summary>The broker process's entry: serves until told to stop, then prints how many queued messages it dropped.</summary>
    public static async Task<int> ServeAsync(int port)
    {
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithMaxPendingMessagesPerClient(1000)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .Build();
        using var server = factory.CreateMqttServer(options);
        long dropped = 0;
        server.QueuedApplicationMessageOverwrittenAsync += _ =>
        {
            Interlocked.Increment(ref dropped);
            return Task.CompletedTask;
        };
        await server.StartAsync();
        Console.WriteLine("listening");
        while (await Console.In.ReadLineAsync() is { } line && line != "stop")
        {
        }

        Console.WriteLine($"dropped {Interlocked.Read(ref dropped)}");
        await server.StopAsync();
        return 0;
    }

    /// <summary>Starts the broker process on a port and waits until it listens.</summary>
    public static async Task<Process> StartAsync(int port)
    {
        var process = BenchProcess.Start("the baseline broker", "bare-broker", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (first != "listening")
        {
            throw new InvalidOperationException("the baseline broker did not start: " + first);
        }

        return process;
    }

    /// <summary>Stops the broker process; returns how many queued messages it dropped for a slow subscriber.</summary>
    public static async Task<long> StopAsync(Process process)
    {
        await process.StandardInput.WriteLineAsync("stop");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
        return line is not null && line.StartsWith("dropped ", StringComparison.Ordinal) ? long.Parse(line[8..], System.Globalization.CultureInfo.InvariantCulture) : -1;
    }
}

/// <summary>
/// The plain subscriber of B1's baseline: one MQTT connection subscribed to every terminal's heartbeats; it records how many
/// arrived and, from each heartbeat's <c>ts</c>, how long after it was sent.
/// </summary>
internal sealed class PlainSubscriber : IDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly List<double> _latencies = new(1_000_000);
    private long _received;
    private volatile bool _recording;

    /// <summary>Connects and subscribes to <c>mc/t/+/hb</c> at the given QoS.</summary>
    public async Task StartAsync(int port, MqttQualityOfServiceLevel qos)
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (_recording)
            {
                var now = DateTimeOffset.UtcNow;
                var sent = SentAt(e.ApplicationMessage.Payload);
                lock (_latencies)
                {
                    _received++;
                    if (sent is not null)
                    {
                        _latencies.Add((now - sent.Value).TotalMilliseconds);
                    }
                }
            }

            return Task.CompletedTask;
        };
        await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"b1-plain-subscriber-{(int)qos}")
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60)).Build());
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("mc/t/+/hb", qos).Build());
    }

    /// <summary>Starts counting (what arrived before is not counted).</summary>
    public void Record() => _recording = true;

    /// <summary>Stops counting; returns the count and the latencies in milliseconds, sorted.</summary>
    public (long Received, List<double> Latencies) Stop()
    {
        _recording = false;
        lock (_latencies)
        {
            _latencies.Sort();
            return (_received, [.. _latencies]);
        }
    }

    private static DateTimeOffset? SentAt(ReadOnlySequence<byte> payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        var start = text.IndexOf("\"ts\":\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += 6;
        var end = text.IndexOf('"', start);
        return end > start && DateTimeOffset.TryParse(text.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var sent) ? sent : null;
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
