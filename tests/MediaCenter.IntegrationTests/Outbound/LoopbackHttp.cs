using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MediaCenter.IntegrationTests.Outbound;

/// <summary>
/// A bare HTTP/1.1 server on a loopback address that counts every TCP connection it accepts (so a test can show that none was made)
/// and answers each request with what the test scripted: the status line and headers as given, then the body, after an optional
/// delay. The connection is closed after each answer.
/// </summary>
public sealed class LoopbackHttp : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<int, LoopbackAnswer> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    private LoopbackHttp(IPAddress address, Func<int, LoopbackAnswer> answer)
    {
        _answer = answer;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Starts a server on 127.0.0.1 (or the given loopback address) that answers request n with <paramref name="answer"/>(n).</summary>
    public static LoopbackHttp Start(Func<int, LoopbackAnswer> answer, IPAddress? address = null) => new(address ?? IPAddress.Loopback, answer);

    /// <summary>Starts a server that answers every request with 200 and a short body.</summary>
    public static LoopbackHttp Ok() => Start(_ => LoopbackAnswer.Status(200, "ok"));

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var number = Interlocked.Increment(ref _connections);
            _ = ServeAsync(client, number);
        }
    }

    private async Task ServeAsync(TcpClient client, int number)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                await ReadHeadAsync(stream);
                var answer = _answer(number);
                if (answer.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(answer.Delay, _stop.Token);
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer.Head), _stop.Token);
                await stream.WriteAsync(answer.Body, _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception)
            {
                // The client went away (a timeout under test) or the server is stopping.
            }
        }
    }

    private async Task ReadHeadAsync(NetworkStream stream)
    {
        var seen = new List<byte>();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer, _stop.Token) == 1)
        {
            seen.Add(buffer[0]);
            if (seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n')
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // Stopping.
        }

        _stop.Dispose();
    }
}

/// <summary>A scripted answer of <see cref="LoopbackHttp"/>.</summary>
public sealed record LoopbackAnswer(string Head, byte[] Body, TimeSpan Delay)
{
    /// <summary>A status with a text body and its length.</summary>
    public static LoopbackAnswer Status(int status, string body, params string[] headers)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return new LoopbackAnswer(
            $"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n",
            bytes, TimeSpan.Zero);
    }

    /// <summary>A 200 whose body of <paramref name="length"/> bytes has no Content-Length: it ends when the connection closes.</summary>
    public static LoopbackAnswer Unsized(int length) =>
        new("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n", new byte[length], TimeSpan.Zero);
}
