using System.Net;
using System.Net.Http.Headers;
using MediaCenter.Grains.Intake;
using MediaCenter.Hosting.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Hosting.Intake;

/// <summary>
/// Fetching for intake (reprints and feeds), only through the outbound guard's client: no redirects followed (a 3xx is an
/// unreachable page), the guard's size and time limits, and every connection checked against the address policy.
/// </summary>
public sealed partial class WebIntake(IHttpClientFactory clients, ILogger<WebIntake> logger) : IWebIntake
{
    /// <summary>The named HTTP client (registered with the outbound guard by <see cref="IntakeHosting.AddWebIntake"/>).</summary>
    public const string Client = "intake";

    private const string UserAgent = "MediaCenter-Intake/1.0";

    /// <inheritdoc/>
    public async Task<PageFetch> FetchArticleAsync(Uri url, CancellationToken cancellationToken)
    {
        var (data, headers, failure, detail) = await GetAsync(url, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1", null, null, cancellationToken);
        if (failure is not null || data is null)
        {
            return new PageFetch(null, failure ?? FetchFailure.Unreachable, detail);
        }

        var type = headers?.ContentType?.MediaType;
        if (type is not null && type is not ("text/html" or "application/xhtml+xml"))
        {
            return new PageFetch(null, FetchFailure.WrongContent, $"content type {type}");
        }

        var article = ArticleExtractor.Extract(url, data, headers?.ContentType?.CharSet);
        return article is null ? new PageFetch(null, FetchFailure.WrongContent, "no readable article") : new PageFetch(article, null, null);
    }

    /// <inheritdoc/>
    public async Task<FileFetch> FetchFileAsync(Uri url, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(url.AbsolutePath) is { Length: > 0 } n ? n : "image";
        var (data, _, failure, detail) = await GetAsync(url, "image/*", null, null, cancellationToken);
        return new FileFetch(data, name, data is null ? failure ?? FetchFailure.Unreachable : null, detail);
    }

    /// <inheritdoc/>
    public string ReplaceImages(string bodyHtml, IReadOnlyDictionary<string, string?> replacements) =>
        ArticleExtractor.ReplaceImages(bodyHtml, replacements);

    /// <inheritdoc/>
    public async Task<FeedFetch> FetchFeedAsync(Uri url, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        var (data, headers, failure, detail) = await GetAsync(url,
            "application/feed+json,application/json;q=0.9,application/rss+xml,application/atom+xml,application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1",
            etag, lastModified, cancellationToken);
        if (failure is not null)
        {
            return new FeedFetch([], false, etag, lastModified, failure, detail);
        }

        var newTag = headers?.ETag ?? etag;
        var newModified = headers?.LastModified ?? lastModified;
        if (data is null)
        {
            return new FeedFetch([], true, newTag, newModified, null, null);
        }

        var entries = FeedParser.Parse(data, headers?.ContentType?.CharSet);
        return entries is null
            ? new FeedFetch([], false, etag, lastModified, FetchFailure.WrongContent, "not an RSS, Atom or JSON feed")
            : new FeedFetch(entries, false, newTag, newModified, null, null);
    }

    private sealed record Headers(MediaTypeHeaderValue? ContentType, string? ETag, string? LastModified);

    /// <summary>One guarded GET: the body (null on a 304), or the kind of failure and, for the log, its detail.</summary>
    private async Task<(byte[]? Data, Headers? Headers, FetchFailure? Failure, string? Detail)> GetAsync(Uri url, string accept, string? etag,
        string? lastModified, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (lastModified is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }

        try
        {
            var client = clients.CreateClient(Client);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var headers = new Headers(response.Content.Headers.ContentType, response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified?.ToString("R"));
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return (null, headers, null, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, headers, FetchFailure.Unreachable, $"HTTP {(int)response.StatusCode}");
            }

            return (await response.Content.ReadAsByteArrayAsync(cancellationToken), headers, null, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var kind = OutboundFailures.Classify(ex) switch
            {
                OutboundFailure.Refused => FetchFailure.Refused,
                OutboundFailure.TooLarge => FetchFailure.TooLarge,
                OutboundFailure.TimedOut => FetchFailure.TimedOut,
                _ => FetchFailure.Unreachable,
            };
            LogFailed(logger, url.IdnHost, kind, ex.Message);
            return (null, null, kind, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Intake fetch from {Host} failed ({Kind}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string host, FetchFailure kind, string reason);
}

/// <summary>Registration of intake fetching.</summary>
public static class IntakeHosting
{
    /// <summary>Adds <see cref="IWebIntake"/> with its HTTP client behind the outbound guard (which must be added too).</summary>
    public static IServiceCollection AddWebIntake(this IServiceCollection services)
    {
        services.AddHttpClient(WebIntake.Client).UseOutboundGuard();
        services.AddSingleton<IWebIntake, WebIntake>();
        return services;
    }
}
