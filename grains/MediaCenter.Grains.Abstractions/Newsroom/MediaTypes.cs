using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Newsroom;

/// <summary>Where an uploaded file is in its life: it exists once stored. See <see cref="MediaWorkflow"/>.</summary>
public enum MediaState
{
    /// <summary>Checked and stored.</summary>
    Stored,
}

/// <summary>What can be done to an uploaded file.</summary>
public enum MediaCommandType
{
    /// <summary>Uploads it (checked by its bytes, limited in size).</summary>
    Upload,
}

/// <summary>Who acts on a channel's files.</summary>
[Flags]
public enum MediaRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>A member of the channel (or an administrator of its party).</summary>
    Member = 1,

    /// <summary>A ticket storing the attachments filed with it (their types and sizes are checked by the ticket first).</summary>
    Ticket = 2,
}

/// <summary>The life of an uploaded file as a table.</summary>
public static class MediaWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<MediaState, MediaCommandType, MediaRole> Transitions { get; } = new(
    [
        new(null, MediaCommandType.Upload, MediaRole.Member | MediaRole.Ticket, MediaState.Stored),
    ]);
}

/// <summary>How an upload ended.</summary>
public enum MediaOutcome
{
    /// <summary>Stored.</summary>
    Applied,

    /// <summary>Not allowed in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller may not upload to the channel (403).</summary>
    Forbidden,

    /// <summary>Not acceptable (422).</summary>
    Invalid,

    /// <summary>Larger than the limit (413).</summary>
    TooLarge,

    /// <summary>A type of file that is not accepted, judged by its bytes (415).</summary>
    UnsupportedType,

    /// <summary>No such file (404).</summary>
    NotFound,
}

/// <summary>An uploaded file's description: a channel's material, or (with <paramref name="Ticket"/>, and an empty channel) a ticket's attachment.</summary>
/// <param name="SourceUrl">Where the platform fetched it (a reprinted page's image), for its lineage; null for an upload.</param>
[GenerateSerializer, Immutable, Alias("mc.MediaInfo")]
public sealed record MediaInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Channel,
    [property: Id(2)] string FileName,
    [property: Id(3)] string ContentType,
    [property: Id(4)] long SizeBytes,
    [property: Id(5)] string Sha256,
    [property: Id(6)] DateTimeOffset UploadedAt,
    [property: Id(7)] string? Ticket = null,
    [property: Id(8)] string? SourceUrl = null);

/// <summary>A file to upload: its channel (or the ticket it is attached to), name as the client gave it, and bytes; <paramref name="SourceUrl"/>
/// when the platform fetched it from a page someone reprinted.</summary>
[GenerateSerializer, Immutable, Alias("mc.MediaUpload")]
public sealed record MediaUpload([property: Id(0)] string Channel, [property: Id(1)] string FileName, [property: Id(2)] byte[] Data,
    [property: Id(3)] Guid UploadedBy, [property: Id(4)] string? Ticket = null, [property: Id(5)] string? SourceUrl = null);

/// <summary>The answer to an upload.</summary>
[GenerateSerializer, Immutable, Alias("mc.MediaResult")]
public sealed record MediaResult(
    [property: Id(0)] MediaOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] MediaState? State,
    [property: Id(3)] List<MediaCommandType> AllowedMoves,
    [property: Id(4)] MediaInfo? Info)
{
    /// <summary>True when the file was stored.</summary>
    public bool Ok => Outcome == MediaOutcome.Applied;
}

/// <summary>
/// One uploaded file (key: its id, derived by the web from the caller's operation id, so a retried upload reaches the same
/// grain). The grain checks the size and the type (from the bytes, never from the client's claim), hashes it and stores it
/// in <c>mc.media</c> before acknowledging; its state keeps the description, never the bytes. An upload travels in one
/// grain call: the limit (20 MB by default) is far below Orleans' message body limit (100 MB by default).
/// </summary>
[Alias("mc.IMediaGrain")]
public interface IMediaGrain : IGrainWithGuidKey
{
    /// <summary>Checks and stores the file.</summary>
    [Alias("Upload"), ResponseTimeout("00:00:30")]
    Task<MediaResult> UploadAsync(MediaUpload upload, MediaRole roles, string operationId);
}

/// <summary>Settings of uploads (section <c>Newsroom</c>, shared with the web, which refuses larger requests before reading them).</summary>
public sealed class MediaOptions
{
    public const string Section = "Newsroom";

    /// <summary>The largest upload accepted, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 20 * 1024 * 1024;
}
