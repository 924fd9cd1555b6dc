using System.Security.Cryptography;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaCenter.Grains.Newsroom;

/// <summary>Stored state of an uploaded file: its description, never its bytes. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.MediaGrainState")]
public sealed class MediaGrainState
{
    /// <summary>The file's description; null until it is stored.</summary>
    [Id(0)] public MediaInfo? Info { get; set; }
    [Id(1)] public List<AppliedOperation<MediaResult>> Applied { get; set; } = [];
}

/// <summary>
/// One uploaded file. The upload runs through the command pipeline against <see cref="MediaWorkflow"/>: size, type by
/// bytes and SHA-256 are decided here, and the bytes are stored before the acknowledgement (a retry after a lost write
/// stores the same bytes under the same id again, which changes nothing).
/// </summary>
internal sealed partial class MediaGrain : Grain, IMediaGrain
{
    private const int MaxFileName = 255;

    private readonly IPersistentState<MediaGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IMediaJournal _journal;
    private readonly IOptions<MediaOptions> _options;
    private readonly ILogger<MediaGrain> _logger;
    private readonly CommandPipeline<MediaGrainState, MediaState, MediaCommandType, MediaRole, MediaResult> _pipeline;

    public MediaGrain(
        [PersistentState("media", StorageNames.Main)] IPersistentState<MediaGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IMediaJournal journal,
        IOptions<MediaOptions> options,
        Orleans.Serialization.DeepCopier<MediaGrainState> copier,
        ILogger<MediaGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _options = options;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<MediaGrainState, MediaState, MediaCommandType, MediaRole, MediaResult>
        {
            Table = MediaWorkflow.Transitions,
            StageOf = s => s.Info is null ? null : MediaState.Stored,
            Operations = OperationMemory<MediaGrainState, MediaResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
                (id, result) => new AppliedOperation<MediaResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(refusal switch
            {
                WorkflowRefusal.NotFound => MediaOutcome.NotFound,
                WorkflowRefusal.IllegalMove => MediaOutcome.IllegalMove,
                WorkflowRefusal.Forbidden => MediaOutcome.Forbidden,
                _ => MediaOutcome.Invalid,
            }, message),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.file"))),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
        });
    }

    private MediaGrainState S => _state.State;

    public Task<MediaResult> UploadAsync(MediaUpload upload, MediaRole roles, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<MediaState, MediaCommandType, MediaRole, MediaResult>
        {
            OperationId = operationId,
            Command = MediaCommandType.Upload,
            Roles = () => roles,
            Decide = _ => StoreAsync(upload),
        });

    private async Task<MediaResult> StoreAsync(MediaUpload upload)
    {
        var max = _options.Value.MaxUploadBytes;
        var ticket = string.IsNullOrWhiteSpace(upload.Ticket) ? null : upload.Ticket;
        if ((ticket is null && string.IsNullOrWhiteSpace(upload.Channel)) || upload.Data is not { Length: > 0 } data)
        {
            return Refuse(MediaOutcome.Invalid, Msg.Of("newsroom.noFile"));
        }

        if (data.LongLength > max)
        {
            return Refuse(MediaOutcome.TooLarge, Msg.Of("newsroom.fileTooLarge", ("maxMb", max / 1024 / 1024)));
        }

        var name = Path.GetFileName(upload.FileName ?? "").Trim();
        name = name.Length == 0 ? "file" : name.Length > MaxFileName ? name[..MaxFileName] : name;
        if (MediaRules.Sniff(data.AsSpan(0, Math.Min(data.Length, MediaRules.HeadLength)), name) is not { } type)
        {
            return Refuse(MediaOutcome.UnsupportedType,
                Msg.Of("newsroom.acceptedTypes"));
        }

        var info = new MediaInfo(this.GetPrimaryKey(), ticket is null ? upload.Channel : "", name, type, data.LongLength,
            Convert.ToHexStringLower(SHA256.HashData(data)), _time.GetUtcNow(), ticket, ticket is null ? upload.SourceUrl : null);
        await _journal.StoreAsync(info, data, upload.UploadedBy);
        S.Info = info;
        LogStored(_logger, info.Id, info.Channel, info.ContentType, info.SizeBytes);
        return new MediaResult(MediaOutcome.Applied, null, MediaState.Stored, MediaWorkflow.Transitions.AllowedIn(MediaState.Stored), info);
    }

    private MediaResult Refuse(MediaOutcome outcome, string message)
    {
        MediaState? stage = S.Info is null ? null : MediaState.Stored;
        return new MediaResult(outcome, message, stage, MediaWorkflow.Transitions.AllowedIn(stage), S.Info);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media {MediaId}: stored in {Channel} ({ContentType}, {Bytes} bytes)")]
    private static partial void LogStored(ILogger logger, Guid mediaId, string channel, string contentType, long bytes);
}
