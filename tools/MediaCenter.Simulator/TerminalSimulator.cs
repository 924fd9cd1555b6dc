using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace MediaCenter.Simulator;

/// <summary>What the simulated fleet does.</summary>
public sealed record SimulationPlan(
    int Terminals, TimeSpan Interval, string Party, string Prefix, string Region,
    int Stop, TimeSpan StopAfter, int Flap, int Degrade, int Malformed, TimeSpan? Duration);

/// <summary>
/// Simulated smart terminals over real MQTT, each with its own credential: registers them through the
/// API, then heartbeats, telemetry and usage events; some can stop (Last Will), flap, degrade or send
/// malformed payloads. For demos, tests and benchmarks.
/// </summary>
public sealed class TerminalSimulator(HttpClient api, MqttEndpoint broker, TextWriter output)
{
    private readonly Random _random = new(42);

    /// <summary>Terminals on a plain-TCP broker at <paramref name="mqttHost"/>:<paramref name="mqttPort"/>.</summary>
    public TerminalSimulator(HttpClient api, string mqttHost, int mqttPort, TextWriter output)
        : this(api, new MqttEndpoint(mqttHost, mqttPort), output)
    {
    }

    /// <summary>Signs in with a user name and password (bearer token).</summary>
    public async Task SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        var response = await api.PostAsJsonAsync("/api/auth/tokens", new { username, password, name = "simulator", lifetimeDays = 1 }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Sign-in as '{username}' failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Registers the terminals and runs them until cancelled or the duration passes.</summary>
    public async Task RunAsync(SimulationPlan plan, CancellationToken cancellationToken)
    {
        var ids = Enumerable.Range(1, plan.Terminals).Select(i => $"{plan.Prefix}-{i:D4}").ToList();
        var secrets = new Dictionary<string, string>();
        foreach (var id in ids)
        {
            secrets[id] = await RegisterAsync(id, plan, cancellationToken);
        }

        output.WriteLine($"simulator: {ids.Count} terminals registered in party '{plan.Party}', heartbeat every {plan.Interval.TotalSeconds:0.#} s");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (plan.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var tasks = ids.Select((id, index) => RunTerminalAsync(id, secrets[id], index, plan, stop.Token)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
        }

        output.WriteLine("simulator: stopped");
    }

    private async Task<string> RegisterAsync(string id, SimulationPlan plan, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/terminals")
        {
            Content = JsonContent.Create(new
            {
                id,
                name = "模拟终端 " + id,
                kind = "Kiosk",
                region = plan.Region,
                partyId = plan.Party,
                heartbeatIntervalSeconds = (int)Math.Max(1, plan.Interval.TotalSeconds),
            }),
        };
        request.Headers.Add("Idempotency-Key", "sim-register-" + id);
        var response = await api.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering {id} failed: {(int)response.StatusCode} {body}");
        }

        var mqtt = JsonDocument.Parse(body).RootElement.GetProperty("mqtt");
        if (mqtt.ValueKind == JsonValueKind.Object)
        {
            return mqtt.GetProperty("password").GetString()!;
        }

        // Registered before: its secret was shown then; issue a new one for this run.
        var reissue = await api.PostAsJsonAsync($"/api/terminal-credentials/{id}", new { partyId = plan.Party }, cancellationToken);
        reissue.EnsureSuccessStatusCode();
        return (await reissue.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("password").GetString()!;
    }

    private async Task RunTerminalAsync(string id, string secret, int index, SimulationPlan plan, CancellationToken cancellationToken)
    {
        var stops = index < plan.Stop;
        var flaps = !stops && index < plan.Stop + plan.Flap;
        var degrades = index >= plan.Terminals - plan.Degrade;
        var malformed = index < plan.Malformed;
        var started = DateTimeOffset.UtcNow;
        // Spread the fleet over the interval so heartbeats do not arrive in one burst.
        await Task.Delay(TimeSpan.FromMilliseconds(plan.Interval.TotalMilliseconds * index / Math.Max(1, plan.Terminals)), cancellationToken);

        while (!cancellationToken.IsCancellationRequested)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var options = broker.Apply(new MqttClientOptionsBuilder())
                .WithClientId(id)
                .WithCredentials(id, secret)
                .WithWillTopic($"mc/t/{id}/state").WithWillPayload("offline").WithWillRetain().WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(Math.Max(5, plan.Interval.TotalSeconds * 2)))
                .Build();
            try
            {
                await client.ConnectAsync(options, cancellationToken);
                await client.PublishStringAsync($"mc/t/{id}/state", "online", MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancellationToken);
                var connectedAt = DateTimeOffset.UtcNow;
                for (var tick = 0; !cancellationToken.IsCancellationRequested; tick++)
                {
                    if (stops && DateTimeOffset.UtcNow - started >= plan.StopAfter)
                    {
                        // Gone without a word: the broker publishes the Last Will when it notices.
                        client.Dispose();
                        output.WriteLine($"simulator: {id} stopped");
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }

                    if (flaps && DateTimeOffset.UtcNow - connectedAt >= TimeSpan.FromSeconds(20))
                    {
                        await client.DisconnectAsync(cancellationToken: cancellationToken);
                        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
                        break;
                    }

                    var now = DateTimeOffset.UtcNow.ToString("O");
                    await client.PublishStringAsync($"mc/t/{id}/hb", $"{{\"v\":1,\"ts\":\"{now}\"}}", MqttQualityOfServiceLevel.AtMostOnce, cancellationToken: cancellationToken);
                    if (tick % 3 == 0)
                    {
                        var cpu = degrades ? 96 + _random.NextDouble() * 3 : 10 + _random.NextDouble() * 40;
                        await client.PublishStringAsync($"mc/t/{id}/telemetry",
                            $"{{\"v\":1,\"ts\":\"{now}\",\"cpu\":{cpu:0.0},\"mem\":{35 + _random.NextDouble() * 30:0.0},\"disk\":{55 + _random.NextDouble() * 10:0.0},\"temp\":{42 + _random.NextDouble() * 8:0.0},\"screenOn\":true,\"appVersion\":\"2.3.1\",\"errors\":0}}",
                            MqttQualityOfServiceLevel.AtMostOnce, cancellationToken: cancellationToken);
                    }

                    if (malformed)
                    {
                        var garbage = new byte[_random.Next(1, 200)];
                        _random.NextBytes(garbage);
                        await client.PublishBinaryAsync($"mc/t/{id}/telemetry", garbage, MqttQualityOfServiceLevel.AtMostOnce, cancellationToken: cancellationToken);
                    }

                    if (_random.Next(10) == 0)
                    {
                        await client.PublishStringAsync($"mc/t/{id}/evt", "{\"v\":1,\"type\":\"interaction\",\"count\":1}",
                            MqttQualityOfServiceLevel.AtMostOnce, cancellationToken: cancellationToken);
                    }

                    await Task.Delay(plan.Interval, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(cancellationToken: CancellationToken.None);
                }

                return;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException
                or System.Security.Authentication.AuthenticationException)
            {
                output.WriteLine($"simulator: {id}: {ex.Message}; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }
}
