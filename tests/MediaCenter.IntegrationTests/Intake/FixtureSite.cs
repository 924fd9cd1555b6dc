using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MediaCenter.IntegrationTests.Intake;

/// <summary>One request the fixture site saw, with the validators it carried.</summary>
public sealed record SiteRequest(string Path, string? IfNoneMatch, string? IfModifiedSince, string Status);

/// <summary>
/// A news site and feed bridges played by Kestrel on 127.0.0.1, serving the committed fixtures: pages under <c>/news/</c>, images
/// under <c>/img/</c> (a missing one answers 404), feeds under <c>/feeds/</c> with an ETag and Last-Modified (a matching
/// If-None-Match answers 304), and <c>/big.html</c> larger than the outbound limit. Tests can replace or break any path.
/// </summary>
public sealed class FixtureSite : IAsyncDisposable
{
    private static readonly DateTimeOffset Modified = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (byte[] Body, string Type)> _served = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);

    private FixtureSite(WebApplication app) => _app = app;

    /// <summary>The site's base address (http://127.0.0.1:port/).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every request in arrival order.</summary>
    public ConcurrentQueue<SiteRequest> Requests { get; } = new();

    /// <summary>The path of every request as it arrives (before a hold; <see cref="Requests"/> records them as answered).</summary>
    public ConcurrentQueue<string> Arrivals { get; } = new();

    /// <summary>The fixtures directory (copied beside the test assembly).</summary>
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Intake", "Fixtures");

    /// <summary>The same site under a host name (resolved to 127.0.0.1 by the test's resolver or <c>Outbound:Hosts</c>).</summary>
    public Uri Named(string host) => new UriBuilder(Url) { Host = host }.Uri;

    public static async Task<FixtureSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var site = new FixtureSite(app);
        app.Run(site.ServeAsync);
        await app.StartAsync();
        site.Url = new Uri(app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return site;
    }

    /// <summary>Serves these bytes at a path from now on.</summary>
    public void Serve(string path, byte[] body, string type) => _served[path] = (body, type);

    /// <summary>Requests of a path wait until the returned source is completed (a slow site).</summary>
    public TaskCompletionSource Hold(string path) =>
        _held.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Answers a path with this status from now on (0 stops failing).</summary>
    public void Fail(string path, int status)
    {
        if (status == 0)
        {
            _failing.TryRemove(path, out _);
        }
        else
        {
            _failing[path] = status;
        }
    }

    private async Task ServeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        Arrivals.Enqueue(path);
        var ifNoneMatch = http.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } inm ? inm : null;
        var ifModified = http.Request.Headers.IfModifiedSince.ToString() is { Length: > 0 } ims ? ims : null;
        void Seen(int status) => Requests.Enqueue(new SiteRequest(path, ifNoneMatch, ifModified, status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        if (_held.TryGetValue(path, out var gate))
        {
            await gate.Task.WaitAsync(http.RequestAborted);
        }

        if (_failing.TryGetValue(path, out var failure))
        {
            Seen(failure);
            http.Response.StatusCode = failure;
            return;
        }

        (byte[] Body, string Type)? found = _served.TryGetValue(path, out var served) ? served : Fixture(path);
        if (found is not { } content)
        {
            Seen(404);
            http.Response.StatusCode = 404;
            return;
        }

        if (path.StartsWith("/feeds/", StringComparison.Ordinal))
        {
            var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content.Body))[..16]}\"";
            http.Response.Headers.ETag = tag;
            http.Response.Headers.LastModified = Modified.ToString("R");
            if (ifNoneMatch == tag)
            {
                Seen(304);
                http.Response.StatusCode = 304;
                return;
            }
        }

        Seen(200);
        http.Response.ContentType = content.Type;
        http.Response.ContentLength = content.Body.Length;
        await http.Response.Body.WriteAsync(content.Body);
    }

    private static (byte[] Body, string Type)? Fixture(string path)
    {
        if (path == "/big.html")
        {
            var filler = string.Concat(Enumerable.Repeat("<p>很长的页面。</p>", 150_000));
            return (System.Text.Encoding.UTF8.GetBytes($"<html><body>{filler}</body></html>"), "text/html; charset=utf-8");
        }

        var name = Path.GetFileName(path);
        var file = Path.Combine(Fixtures, name);
        if (name.Length == 0 || !File.Exists(file))
        {
            return null;
        }

        var type = Path.GetExtension(name) switch
        {
            // The GBK page's server names no charset: the page's own meta tag says gb2312.
            ".html" when name.Contains("gbk", StringComparison.Ordinal) => "text/html",
            ".html" => "text/html; charset=utf-8",
            ".png" => "image/png",
            ".jpg" => "image/jpeg",
            ".xml" when name.Contains("atom", StringComparison.Ordinal) => "application/atom+xml",
            ".xml" => "application/rss+xml; charset=utf-8",
            ".json" => "application/feed+json",
            _ => "application/octet-stream",
        };
        return (File.ReadAllBytes(file), type);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
