using System.Net;

namespace MediaCenter.IntegrationTests;

/// <summary>
/// One client of a public Server-Sent Events stream: opens it (asserting 200 and text/event-stream) and keeps the data line
/// of every event of the given name until the token is cancelled.
/// </summary>
internal sealed class EventStreamListener : IDisposable
{
    private readonly List<string> _data = [];
    private readonly HttpResponseMessage _response;

    private EventStreamListener(HttpResponseMessage response, string eventName, CancellationToken cancellationToken)
    {
        _response = response;
        Reading = Task.Run(async () =>
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            string? kind = null;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    kind = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind == eventName)
                {
                    lock (_data)
                    {
                        _data.Add(line["data: ".Length..]);
                    }
                }
            }
        });
    }

    /// <summary>The reading loop; it ends with the stream or the token.</summary>
    public Task Reading { get; }

    public static async Task<EventStreamListener> OpenAsync(HttpClient client, string path, string eventName, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStreamListener(response, eventName, cancellationToken);
    }

    /// <summary>The data of the events received so far, in order.</summary>
    public List<string> Seen()
    {
        lock (_data)
        {
            return [.. _data];
        }
    }

    /// <summary>Waits for the reading loop to end after the token was cancelled (or the stream closed), whatever it ended with.</summary>
    public Task StoppedAsync() => Reading.ContinueWith(_ => { }, TaskScheduler.Default);

    public void Dispose() => _response.Dispose();
}
