using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace MediaCenter.IntegrationTests.Failures;

/// <summary>A terminal as the field runs it: heartbeats at its interval, reconnects whenever its connection is gone.</summary>
internal sealed class FieldTerminal(string id, string secret, int port, TimeSpan heartbeat) : IAsyncDisposable
{
    private readonly IMqttClient _mqtt = new MqttClientFactory().CreateMqttClient();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public string Id => id;

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

    /// <summary>The terminals an offline alert was recorded for (in mc.event_log) since the given instant, once per alert.</summary>
    public static async Task<List<string>> OfflineAlertsSinceAsync(string connectionString, DateTimeOffset since)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(
            "SELECT entity_id FROM mc.event_log WHERE entity_type = 'terminal' AND event_type = 'terminal.offline' AND occurred_at >= @since");
        command.Parameters.AddWithValue("since", since);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
