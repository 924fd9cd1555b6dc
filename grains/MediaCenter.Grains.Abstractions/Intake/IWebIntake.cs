using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Intake;

/// <summary>Why a fetch for intake failed, in kinds a person may be told.</summary>
public enum FetchFailure
{
    /// <summary>The outbound guard refused the address.</summary>
    Refused,

    /// <summary>No connection, or the site answered with an error status.</summary>
    Unreachable,

    /// <summary>No answer within the time limit.</summary>
    TimedOut,

    /// <summary>Longer than the size limit.</summary>
    TooLarge,

    /// <summary>The answer is not what was asked for (not an HTML article, not an image, not a feed).</summary>
    WrongContent,
}

/// <summary>An article extracted from a page: sanitised body whose images are absolute URLs, and its attribution.</summary>
public sealed record ExtractedArticle(string Title, string BodyHtml, string Excerpt, SourceAttribution Source, IReadOnlyList<string> Images);

/// <summary>A page fetched for a reprint: the article, or why not (<see cref="Detail"/> is for the log).</summary>
public sealed record PageFetch(ExtractedArticle? Article, FetchFailure? Failure, string? Detail);

/// <summary>A file fetched (an image of a reprinted page), or why not.</summary>
public sealed record FileFetch(byte[]? Data, string FileName, FetchFailure? Failure, string? Detail);

/// <summary>One entry of a feed.</summary>
public sealed record FeedEntry(string Id, string Title, string? Link, string Summary, DateTimeOffset? PublishedAt, string? Author);

/// <summary>
/// A feed polled with conditional GET: new entries with the validators to send next time, <see cref="NotModified"/> on a 304, or
/// why it failed.
/// </summary>
public sealed record FeedFetch(IReadOnlyList<FeedEntry> Entries, bool NotModified, string? ETag, string? LastModified, FetchFailure? Failure, string? Detail);

/// <summary>
/// Server-side fetching for intake (reprints, feeds). Every request goes through the outbound guard; nothing here is a grain, so
/// grains call it like a journal (implemented in the hosting project, registered in the silo).
/// </summary>
public interface IWebIntake
{
    /// <summary>Fetches a page and extracts its article.</summary>
    Task<PageFetch> FetchArticleAsync(Uri url, CancellationToken cancellationToken);

    /// <summary>Fetches a file (an image).</summary>
    Task<FileFetch> FetchFileAsync(Uri url, CancellationToken cancellationToken);

    /// <summary>
    /// The body with each image whose absolute URL is a key pointed at the value (our copy), or removed when the value is null.
    /// </summary>
    string ReplaceImages(string bodyHtml, IReadOnlyDictionary<string, string?> replacements);

    /// <summary>Polls a feed (RSS 2.0, Atom or JSON Feed) with the validators of the last answer.</summary>
    Task<FeedFetch> FetchFeedAsync(Uri url, string? etag, string? lastModified, CancellationToken cancellationToken);
}
