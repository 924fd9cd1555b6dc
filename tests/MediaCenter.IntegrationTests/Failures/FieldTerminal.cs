using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.IntegrationTests.Failures;

/// <summary>A terminal as the field runs it: heartbeats at its interval, reconnects whenever its connection is gone.</summary>
internal sealed class FieldTerminal(string id, string secret, int port, TimeSpan heartbeat) : IAsyncDisposable
{
    private readonly IMqttClient _mqtt = new MqttClientFactory().CreateMqttClient();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public string Id => id;

    public int Connects { get; private set; }

    public DateTimeOffset? LastConnectedAt { get; private set; }

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>Stops for good, without a word (power cut): no DISCONNECT, no more heartbeats.</summary>
    public async Task DieAsync()
    {
        await FallSilentAsync();
        _mqtt.Dispose();
    }

    /// <summary>Hangs: the connection stays open, but no heartbeat comes any more (only its deadline can tell).</summary>
    public async Task FallSilentAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!_mqtt.IsConnected)
                {
                    using var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    connecting.CancelAfter(TimeSpan.FromSeconds(2));
                    await _mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(id)
                        .WithCredentials(id, secret).WithKeepAlivePeriod(TimeSpan.FromSeconds(30)).WithTimeout(TimeSpan.FromSeconds(2)).Build(),
                        connecting.Token);
                    Connects++;
                    LastConnectedAt = DateTimeOffset.UtcNow;
                }

                await _mqtt.PublishStringAsync($"mc/t/{id}/hb", "{\"v\":1}", MqttQualityOfServiceLevel.AtMostOnce, cancellationToken: stop);
                await Task.Delay(heartbeat, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The gateway is away: try again shortly, as terminals in the field do.
                await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await DieAsync();
        }

        _stop.Dispose();
    }
}
