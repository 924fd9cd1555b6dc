using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Intake;

/// <summary>Where a reprint (一键转载) of one URL into one channel is: it exists once taken.</summary>
public enum ReprintStage
{
    /// <summary>Fetched, its images stored, and filed into the channel's workflow.</summary>
    Taken,
}

/// <summary>What can be done to a reprint.</summary>
public enum ReprintCommandType
{
    /// <summary>Fetch the page and file it as a pitch or a draft.</summary>
    Take,
}

/// <summary>Who acts on reprints.</summary>
[Flags]
public enum ReprintRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>An editor of the channel (filing needs it, as for any pitch).</summary>
    Editor = 1,
}

/// <summary>The life of a reprint as a table: taken once; taking it again answers where it went.</summary>
public static class ReprintWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<ReprintStage, ReprintCommandType, ReprintRole> Transitions { get; } = new(
    [
        new(null, ReprintCommandType.Take, ReprintRole.Editor, ReprintStage.Taken),
    ]);
}

/// <summary>How the reprinted page enters the channel.</summary>
public enum ReprintMode
{
    /// <summary>As a pitch (报题) of the caller, with the source, images and an excerpt as materials.</summary>
    Pitch,

    /// <summary>
    /// As a draft assigned to the caller, body included: filed, confirmed, assigned and saved through the article's own commands,
    /// so the caller must be both an editor and the chief of the channel.
    /// </summary>
    Draft,
}

/// <summary>How a reprint ended; one kind per failure, each mapped to its own problem details.</summary>
public enum ReprintOutcome
{
    /// <summary>Filed.</summary>
    Applied,

    /// <summary>This URL (normalised) was already taken into the channel: the answer says which story (409).</summary>
    AlreadyTaken,

    /// <summary>The caller may not do this (403).</summary>
    Forbidden,

    /// <summary>The request is not acceptable, e.g. not an http(s) URL (422).</summary>
    Invalid,

    /// <summary>The address is not allowed by the outbound guard (422; the reason stays in the log).</summary>
    Refused,

    /// <summary>The site could not be reached or answered with an error (502).</summary>
    Unreachable,

    /// <summary>The site did not answer in time (504).</summary>
    TimedOut,

    /// <summary>The page is larger than the outbound size limit (413).</summary>
    TooLarge,

    /// <summary>The page holds no article (not HTML, or no readable body) (422).</summary>
    NotAnArticle,

    /// <summary>The article's own workflow refused the filing (its outcome is in the message).</summary>
    Rejected,

    /// <summary>
    /// The same page (normalised URL, or the same title and opening text) was already taken into another channel of the party: the
    /// answer names the channel and the story, and nothing is filed (409).
    /// </summary>
    TakenElsewhere,
}

/// <summary>
/// A reprint request: the channel, the URL as pasted, how it should enter the channel, and the channel's party (its repeats across
/// channels are checked in the party's <see cref="IIntakeRegistryGrain"/>; none when null).
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.ReprintRequest")]
public sealed record ReprintRequest([property: Id(0)] string Channel, [property: Id(1)] string Url, [property: Id(2)] ReprintMode Mode,
    [property: Id(3)] string? Party = null);

/// <summary>What a reprint filed: the story, its attribution, the images stored and those that failed.</summary>
[GenerateSerializer, Alias("mc.ReprintRecord")]
public sealed record ReprintRecord(
    [property: Id(0)] string Url,
    [property: Id(1)] string NormalizedUrl,
    [property: Id(2)] string Channel,
    [property: Id(3)] string ArticleId,
    [property: Id(4)] ReprintMode Mode,
    [property: Id(5)] Person By,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] string Title,
    [property: Id(8)] SourceAttribution Source,
    [property: Id(9)] List<Guid> MediaIds);

/// <summary>The answer to a reprint.</summary>
[GenerateSerializer, Alias("mc.ReprintResult")]
public sealed record ReprintResult(
    [property: Id(0)] ReprintOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] ReprintStage? Stage,
    [property: Id(3)] List<ReprintCommandType> AllowedMoves,
    [property: Id(4)] ReprintRecord? Record,
    [property: Id(5)] IntakeClaim? Elsewhere = null)
{
    /// <summary>True when the page was filed now (or this is a repeat of the operation that filed it).</summary>
    public bool Ok => Outcome == ReprintOutcome.Applied;
}

/// <summary>
/// One URL reprinted into one channel (key: <see cref="ReprintKeys.For"/>). Taking it fetches the page through the outbound
/// guard, extracts title, body and attribution, stores the body's images as media, and files the story through the article's
/// commands; the record is written before the answer. A second take of the same normalised URL answers where it went.
/// </summary>
[Alias("mc.IReprintGrain")]
public interface IReprintGrain : IGrainWithStringKey
{
    /// <summary>Takes the page into the channel (idempotent per operation id).</summary>
    [Alias("Take"), ResponseTimeout("00:02:00")]
    Task<ReprintResult> TakeAsync(ReprintRequest request, NewsroomActor actor, string operationId);

    /// <summary>What was taken, or null.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<ReprintRecord?> GetAsync();
}

/// <summary>Where an editor's pasted reprint request is: its page is fetched after the answer, then it is filed or it failed.</summary>
public enum ReprintRequestState
{
    /// <summary>Accepted; the page and its images are being fetched (the request resumes after a silo loss).</summary>
    Fetching,

    /// <summary>Filed into the channel: the request names the story.</summary>
    Filed,

    /// <summary>Nothing was filed: the request names the outcome and the reason.</summary>
    Failed,
}

/// <summary>What happens to a reprint request.</summary>
public enum ReprintRequestCommandType
{
    /// <summary>Accept the request; the fetch starts after the answer.</summary>
    Start,

    /// <summary>The reprint filed the story.</summary>
    Complete,

    /// <summary>The reprint filed nothing (or the fetch could not be finished).</summary>
    Fail,
}

/// <summary>The life of a reprint request as a table: the editor starts it, the system ends it once.</summary>
public static class ReprintRequestWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<ReprintRequestState, ReprintRequestCommandType, ReprintRole> Transitions { get; } = new(
    [
        new(null, ReprintRequestCommandType.Start, ReprintRole.Editor, ReprintRequestState.Fetching),
        new(ReprintRequestState.Fetching, ReprintRequestCommandType.Complete, ReprintRole.Editor, ReprintRequestState.Filed),
        new(ReprintRequestState.Fetching, ReprintRequestCommandType.Fail, ReprintRole.Editor, ReprintRequestState.Failed),
    ]);
}

/// <summary>
/// A pasted reprint request as its status resource shows it: fetching, then filed (the story and what the reprint recorded) or failed
/// (the outcome, the reason as a catalogue message, and where the page went when it was taken before).
/// </summary>
[GenerateSerializer, Alias("mc.ReprintRequestView")]
public sealed record ReprintRequestView(
    [property: Id(0)] string Key,
    [property: Id(1)] string Channel,
    [property: Id(2)] string Url,
    [property: Id(3)] ReprintMode Mode,
    [property: Id(4)] ReprintRequestState State,
    [property: Id(5)] Person RequestedBy,
    [property: Id(6)] DateTimeOffset RequestedAt,
    [property: Id(7)] DateTimeOffset? EndedAt = null,
    [property: Id(8)] string? ArticleId = null,
    [property: Id(9)] ReprintOutcome? Outcome = null,
    [property: Id(10)] string? Reason = null,
    [property: Id(11)] ReprintRecord? Record = null,
    [property: Id(12)] IntakeClaim? Elsewhere = null,
    [property: Id(13)] long Version = 1);

/// <summary>The answer to starting a reprint request: the request (accepted now or by an earlier try of the same operation), or a refusal.</summary>
[GenerateSerializer, Alias("mc.ReprintRequestAnswer")]
public sealed record ReprintRequestAnswer([property: Id(0)] ReprintRequestView? Request, [property: Id(1)] ReprintResult? Refusal);

/// <summary>
/// An editor's pasted reprint (一键转载) as a request of its own (key: <c>{channel}/{request key}</c>, <see cref="ReprintRequestKeys.For"/>):
/// starting it checks what can be answered at once (the role, the mode, a page taken before in this channel or in another channel of
/// the party), writes the request and answers; the page is fetched and filed by the <see cref="IReprintGrain"/> in a timer turn after
/// the answer, and the request ends Filed or Failed, published live on the channel's board. A reminder resumes a fetch a silo loss cut.
/// </summary>
[Alias("mc.IReprintRequestGrain")]
public interface IReprintRequestGrain : IGrainWithStringKey
{
    /// <summary>Accepts the request and answers at once (a repeat of the operation answers the same request), or refuses it.</summary>
    [Alias("Start")]
    Task<ReprintRequestAnswer> StartAsync(ReprintRequest request, NewsroomActor actor, string operationId);

    /// <summary>The request, or null when there is none under this key.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<ReprintRequestView?> GetAsync();
}

/// <summary>The request key of a pasted reprint: the caller's operation (Idempotency-Key scoped to the caller) in the channel, hashed.</summary>
public static class ReprintRequestKeys
{
    /// <summary>The key the status resource names (<c>/api/v1/channels/{channel}/reprints/{key}</c>).</summary>
    public static string For(string channel, string operationId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel + "\n" + operationId)))[..32];
}

/// <summary>A pasted reprint request moved (started, filed or failed): published on the channel's board topic.</summary>
[GenerateSerializer, Alias("mc.live.ReprintRequestChanged")]
public sealed record ReprintRequestChanged([property: Id(0)] ReprintRequestView Request) : LiveEvent;

/// <summary>Normalised URLs and the reprint grain's key.</summary>
public static class ReprintKeys
{
    private static readonly string[] TrackingPrefixes = ["utm_", "spm", "from", "share", "source", "wfr", "timestamp", "isappinstalled", "scene", "ref"];

    /// <summary>
    /// The URL as it identifies a page: absolute http(s) only; scheme and host lower-case, default port, fragment and tracking
    /// parameters (utm_*, spm, from, share…) dropped, other parameters sorted, a trailing slash dropped; http and https alike.
    /// Null when it is not an absolute http(s) URL.
    /// </summary>
    public static string? Normalize(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.IdnHost))
        {
            return null;
        }

        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !TrackingPrefixes.Any(t => p.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var path = uri.AbsolutePath.Length > 1 ? uri.AbsolutePath.TrimEnd('/') : "";
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{uri.IdnHost.ToLowerInvariant()}{port}{path}{(query.Count > 0 ? "?" + string.Join('&', query) : "")}";
    }

    /// <summary>The grain key of a normalised URL in a channel (hashed: URLs can be long).</summary>
    public static string For(string channel, string normalizedUrl) =>
        $"{channel}/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedUrl)))[..32]}";
}

/// <summary>Where a page already went in a party: the channel and story (null while that channel's reprint is still running).</summary>
[GenerateSerializer, Immutable, Alias("mc.IntakeClaim")]
public sealed record IntakeClaim(
    [property: Id(0)] string Channel,
    [property: Id(1)] string? ArticleId,
    [property: Id(2)] string Title,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Reprint);

/// <summary>
/// What a party has taken in (key: party id): each reprint's normalised URL and the hash of its content (title and opening text), so
/// the same page reprinted or collected into a second channel of the party is named as a repeat ("already taken in channel X as story Y")
/// instead of being filed twice. Claims are made before filing, confirmed with the story, and released when the filing fails.
/// </summary>
[Alias("mc.IIntakeRegistryGrain")]
public interface IIntakeRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the keys (<c>url:…</c>, <c>hash:…</c>) for a reprint; answers the claim that already holds one of them for another reprint
    /// (null when the keys are now this reprint's).
    /// </summary>
    [Alias("Claim")]
    Task<IntakeClaim?> ClaimAsync(List<string> keys, IntakeClaim claim);

    /// <summary>The claim another reprint holds on a key now, or null (a pending claim older than its lapse does not count).</summary>
    [Alias("Find"), Orleans.Concurrency.ReadOnly]
    Task<IntakeClaim?> FindAsync(string key, string reprint, DateTimeOffset now);

    /// <summary>The reprint filed its story: its claims name it.</summary>
    [Alias("Confirm")]
    Task ConfirmAsync(string reprint, string articleId);

    /// <summary>The reprint filed nothing: its claims go.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string reprint);
}
