using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>A live hub connection with a bearer token that records when the server closes it.</summary>
public sealed class LiveHubClient : IAsyncDisposable
{
    private readonly HubConnection _hub;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveHubClient(HubConnection hub)
    {
        _hub = hub;
        _hub.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects to the live hub of <paramref name="web"/> with <paramref name="token"/>.</summary>
    public static async Task<LiveHubClient> ConnectAsync(Uri web, string token)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(web, "/hubs/live"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var client = new LiveHubClient(hub);
        await hub.StartAsync();
        return client;
    }

    /// <summary>The token of a signed-in test client.</summary>
    public static string TokenOf(HttpClient client) => client.DefaultRequestHeaders.Authorization!.Parameter!;

    /// <summary>True when the server closed the connection within <paramref name="within"/>.</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan within) => await Task.WhenAny(_closed.Task, Task.Delay(within)) == _closed.Task;

    /// <summary>Still connected (and answering: a hub call goes through).</summary>
    public async Task<bool> AliveAsync()
    {
        if (_hub.State != HubConnectionState.Connected)
        {
            return false;
        }

        try
        {
            await _hub.InvokeAsync("UnwatchBoard", "none").WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Keeps every call of a client method from now on, in the order received.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<System.Text.Json.JsonElement> Record(string method)
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<System.Text.Json.JsonElement>();
        _hub.On<System.Text.Json.JsonElement>(method, payload => received.Enqueue(payload));
        return received;
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}
