using System.Net;
using System.Net.Sockets;

namespace MediaCenter.Testing;

/// <summary>
/// A load balancer's front door on loopback, for failover tests: each new TCP connection goes to the first backend that
/// accepts it (so everything lands on the first web instance while it lives, and on the next one once it is gone).
/// Bytes are copied both ways; when either side closes, both are closed, as a proxy in front of a dead process does.
/// </summary>
public sealed class FrontDoor : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<Uri> _backends;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly int[] _served;

    public FrontDoor(IReadOnlyList<Uri> backends)
    {
        _backends = backends;
        _served = new int[backends.Count];
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>Where browsers and clients connect.</summary>
    public Uri Address { get; }

    /// <summary>Connections each backend has taken so far.</summary>
    public int Served(int backend) => Volatile.Read(ref _served[backend]);

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            _ = ServeAsync(client, stop);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        {
            for (var i = 0; i < _backends.Count; i++)
            {
                using var backend = new TcpClient();
                try
                {
                    using var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    connecting.CancelAfter(TimeSpan.FromSeconds(1));
                    await backend.ConnectAsync(_backends[i].Host, _backends[i].Port, connecting.Token);
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    continue;
                }

                Interlocked.Increment(ref _served[i]);
                await PipeAsync(client, backend, stop);
                return;
            }
        }
    }

    private static async Task PipeAsync(TcpClient client, TcpClient backend, CancellationToken stop)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var a = client.GetStream();
        var b = backend.GetStream();
        var up = CopyAsync(a, b, done.Token);
        var down = CopyAsync(b, a, done.Token);
        await Task.WhenAny(up, down);
        await done.CancelAsync();
        await Task.WhenAll(up, down);
    }

    private static async Task CopyAsync(NetworkStream from, NetworkStream to, CancellationToken stop)
    {
        try
        {
            await from.CopyToAsync(to, stop);
        }
        catch (Exception)
        {
            // A side went away (reset, closed, cancelled): the other side is closed by the caller.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception)
        {
            // Stopping.
        }

        _stop.Dispose();
    }
}
