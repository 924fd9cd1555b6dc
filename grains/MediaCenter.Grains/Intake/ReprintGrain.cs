using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Intake;

/// <summary>Stored state of a reprint. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.ReprintState")]
public sealed class ReprintState
{
    /// <summary>What was filed; null until taken.</summary>
    [Id(0)] public ReprintRecord? Record { get; set; }
    [Id(1)] public List<AppliedOperation<ReprintResult>> Applied { get; set; } = [];
}

/// <summary>
/// One URL reprinted into one channel (一键转载). Taking it runs through the command pipeline against <see cref="ReprintWorkflow"/>:
/// the page is fetched and extracted through <see cref="IWebIntake"/> (the outbound guard), each body image is fetched, typed by
/// its bytes and stored by a media grain, the body is pointed at our copies, and the story is filed through the article's own
/// commands (with operation ids derived from this one, so a retry files nothing twice). The record is written before the answer.
/// </summary>
internal sealed partial class ReprintGrain : Grain, IReprintGrain
{
    internal const int MaxImages = 20;
    private const int MaxTitle = 200;
    private const int MaxAngle = 3500;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private readonly IPersistentState<ReprintState> _state;
    private readonly TimeProvider _time;
    private readonly IWebIntake _intake;
    private readonly ILogger<ReprintGrain> _logger;
    private readonly CommandPipeline<ReprintState, ReprintStage, ReprintCommandType, ReprintRole, ReprintResult> _pipeline;

    public ReprintGrain(
        [PersistentState("reprint", StorageNames.Main)] IPersistentState<ReprintState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IWebIntake intake,
        Orleans.Serialization.DeepCopier<ReprintState> copier,
        ILogger<ReprintGrain> logger)
    {
        _state = state;
        _time = time;
        _intake = intake;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<ReprintState, ReprintStage, ReprintCommandType, ReprintRole, ReprintResult>
        {
            Table = ReprintWorkflow.Transitions,
            StageOf = s => s.Record is null ? null : ReprintStage.Taken,
            Operations = OperationMemory<ReprintState, ReprintResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
                (id, result) => new AppliedOperation<ReprintResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => refusal switch
            {
                WorkflowRefusal.IllegalMove when S.Record is { } taken => Refuse(ReprintOutcome.AlreadyTaken,
                    Msg.Of("intake.alreadyTaken", ("articleId", taken.ArticleId), ("by", taken.By.Name),
                        ("at", taken.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))),
                WorkflowRefusal.Forbidden => Refuse(ReprintOutcome.Forbidden, message),
                _ => Refuse(ReprintOutcome.Invalid, message),
            },
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.reprint"))),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()) with { Elsewhere = r.Elsewhere },
        });
    }

    private ReprintState S => _state.State;

    public Task<ReprintRecord?> GetAsync() => Task.FromResult(S.Record);

    public Task<ReprintResult> TakeAsync(ReprintRequest request, NewsroomActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<ReprintStage, ReprintCommandType, ReprintRole, ReprintResult>
        {
            OperationId = operationId,
            Command = ReprintCommandType.Take,
            Roles = () => actor.Editor ? ReprintRole.Editor : ReprintRole.None,
            Vet = _ => request.Mode == ReprintMode.Draft && !actor.Chief
                ? Msg.Of("intake.draftModeNeedsChief")
                : null,
            Decide = _ => FetchAndFileAsync(request, actor, operationId),
        });

    private async Task<ReprintResult> FetchAndFileAsync(ReprintRequest request, NewsroomActor actor, string operationId)
    {
        if (string.IsNullOrWhiteSpace(request.Channel) || ReprintKeys.Normalize(request.Url) is not { } normalized
            || !Uri.TryCreate(request.Url.Trim(), UriKind.Absolute, out var url))
        {
            return Refuse(ReprintOutcome.Invalid, Msg.Of("intake.webAddressRequired"));
        }

        if (ReprintKeys.For(request.Channel, normalized) != this.GetPrimaryKeyString())
        {
            return Refuse(ReprintOutcome.Invalid, Msg.Of("intake.urlNotThisReprint"));
        }

        // The party's other channels first: a page taken there is named, not fetched again.
        var registry = request.Party is { Length: > 0 } party ? GrainFactory.GetGrain<IIntakeRegistryGrain>(party) : null;
        var claim = new IntakeClaim(request.Channel, null, request.Url.Trim(), _time.GetUtcNow(), this.GetPrimaryKeyString());
        if (registry is not null && await registry.ClaimAsync([UrlKey(normalized)], claim) is { } urlHeld)
        {
            return Elsewhere(urlHeld);
        }

        var result = await FetchAndFileClaimedAsync(request, actor, operationId, url, normalized, registry, claim);
        if (registry is not null)
        {
            try
            {
                await (result.Ok ? registry.ConfirmAsync(claim.Reprint, result.Record!.ArticleId) : registry.ReleaseAsync(claim.Reprint));
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // The story is filed (or not) either way; an unconfirmed claim lapses after IntakeRegistryGrain.PendingFor.
                LogRegistryFailed(_logger, request.Party!, ex.GetType().Name);
            }
        }

        return result;
    }

    /// <summary>The party-wide key of a normalised URL.</summary>
    internal static string UrlKey(string normalized) => "url:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)))[..32];

    /// <summary>The party-wide key of a page's content: its title and opening text, as the inbox hashes a feed entry.</summary>
    internal static string ContentKey(string title, string excerpt) => "hash:" + CollectionInboxGrain.ContentHash(title, excerpt);

    private ReprintResult Elsewhere(IntakeClaim held)
    {
        var message = held.ArticleId is { } story
            ? Msg.Of("intake.takenElsewhere", ("channel", held.Channel), ("articleId", story), ("at", held.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))
            : Msg.Of("intake.beingTakenElsewhere", ("channel", held.Channel));
        return Refuse(ReprintOutcome.TakenElsewhere, message) with { Elsewhere = held };
    }

    private async Task<ReprintResult> FetchAndFileClaimedAsync(ReprintRequest request, NewsroomActor actor, string operationId, Uri url, string normalized,
        IIntakeRegistryGrain? registry, IntakeClaim claim)
    {
        using var budget = new CancellationTokenSource(Budget);
        var page = await _intake.FetchArticleAsync(url, budget.Token);
        if (page.Article is { } fetched && registry is not null
            && await registry.ClaimAsync([ContentKey(fetched.Title, fetched.Excerpt)], claim with { Title = fetched.Title }) is { } contentHeld)
        {
            // The same article under another address (a mobile page, a syndicated copy) is a repeat too.
            return Elsewhere(contentHeld);
        }

        if (page.Article is not { } article)
        {
            LogFetchFailed(_logger, url.IdnHost, page.Failure, page.Detail);
            return page.Failure switch
            {
                FetchFailure.Refused => Refuse(ReprintOutcome.Refused, Msg.Of("intake.pageAddressRefused")),
                FetchFailure.TooLarge => Refuse(ReprintOutcome.TooLarge, Msg.Of("intake.pageTooLarge")),
                FetchFailure.TimedOut => Refuse(ReprintOutcome.TimedOut, Msg.Of("intake.pageTimedOut")),
                FetchFailure.WrongContent => Refuse(ReprintOutcome.NotAnArticle, Msg.Of("intake.pageNotAnArticle")),
                _ => Refuse(ReprintOutcome.Unreachable, page.Detail is { } d && d.StartsWith("HTTP ", StringComparison.Ordinal)
                    ? Msg.Of("intake.pageAnswered", ("status", d))
                    : Msg.Of("intake.pageUnreachable")),
            };
        }

        var (body, mediaIds, failures) = await LocaliseImagesAsync(article, request.Channel, actor, operationId, budget.Token);
        var source = article.Source with { ImageFailures = failures };
        var title = article.Title.Length > MaxTitle ? article.Title[..MaxTitle] : article.Title;
        var filed = await FileAsync(request, actor, operationId, title, body, article.Excerpt, source, mediaIds, failures);
        if (filed.Failure is { } failure)
        {
            return failure;
        }

        S.Record = new ReprintRecord(request.Url.Trim(), normalized, request.Channel, filed.ArticleId!, request.Mode, actor.Person, _time.GetUtcNow(), title,
            source, mediaIds);
        LogTaken(_logger, normalized, filed.ArticleId!, mediaIds.Count, failures.Count);
        return new ReprintResult(ReprintOutcome.Applied, null, ReprintStage.Taken, ReprintWorkflow.Transitions.AllowedIn(ReprintStage.Taken), S.Record);
    }

    /// <summary>Stores every body image as the channel's media (typed by its bytes); failed ones are listed and removed from the body.</summary>
    private async Task<(string Body, List<Guid> MediaIds, List<ImageFailure> Failures)> LocaliseImagesAsync(ExtractedArticle article, string channel,
        NewsroomActor actor, string operationId, CancellationToken cancellationToken)
    {
        var replacements = new Dictionary<string, string?>(StringComparer.Ordinal);
        var mediaIds = new List<Guid>();
        var failures = new List<ImageFailure>();
        for (var i = 0; i < article.Images.Count; i++)
        {
            var image = article.Images[i];
            if (i >= MaxImages)
            {
                failures.Add(new ImageFailure(image, Msg.Of("intake.tooManyImages", ("max", MaxImages))));
                replacements[image] = null;
                continue;
            }

            var reason = await StoreImageAsync(image, channel, actor, $"{operationId}:image:{i}", cancellationToken);
            if (reason.MediaId is { } id)
            {
                mediaIds.Add(id);
                replacements[image] = $"/api/v1/media/{id}";
            }
            else
            {
                failures.Add(new ImageFailure(image, reason.Failure ?? Msg.Of("intake.imageFailed")));
                replacements[image] = null;
            }
        }

        return (article.Images.Count == 0 ? article.BodyHtml : _intake.ReplaceImages(article.BodyHtml, replacements), mediaIds, failures);
    }

    private async Task<(Guid? MediaId, string? Failure)> StoreImageAsync(string image, string channel, NewsroomActor actor, string operationId,
        CancellationToken cancellationToken)
    {
        var fetched = await _intake.FetchFileAsync(new Uri(image), cancellationToken);
        if (fetched.Data is not { Length: > 0 } data)
        {
            return (null, fetched.Failure switch
            {
                FetchFailure.Refused => Msg.Of("intake.addressNotAllowed"),
                FetchFailure.TooLarge => Msg.Of("intake.imageTooLarge"),
                FetchFailure.TimedOut => Msg.Of("intake.timedOut"),
                _ => fetched.Detail is { } d && d.StartsWith("HTTP ", StringComparison.Ordinal)
                    ? Msg.Of("intake.imageAnswered", ("status", d))
                    : Msg.Of("intake.imageUnreachable"),
            });
        }

        // Typed from the bytes, like every upload: a page that serves HTML or a script under an image's name stores nothing.
        if (MediaRules.Sniff(data.AsSpan(0, Math.Min(data.Length, MediaRules.HeadLength)), fetched.FileName) is not { } type
            || !type.StartsWith("image/", StringComparison.Ordinal))
        {
            return (null, Msg.Of("intake.notAnImage"));
        }

        var key = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(operationId)).AsSpan(0, 16));
        var stored = await GrainFactory.GetGrain<IMediaGrain>(key).UploadAsync(new MediaUpload(channel, fetched.FileName, data, actor.UserId, SourceUrl: image), MediaRole.Member,
            operationId);
        return stored.Ok && stored.Info is { } info ? (info.Id, null) : (null, stored.Message ?? stored.Outcome.ToString());
    }

    private sealed record Filing(string? ArticleId, ReprintResult? Failure);

    /// <summary>Files the story through the article's commands: a pitch, or (draft mode) filed, confirmed, assigned to the caller and saved.</summary>
    private async Task<Filing> FileAsync(ReprintRequest request, NewsroomActor actor, string operationId, string title, string body, string excerpt,
        SourceAttribution source, List<Guid> mediaIds, List<ImageFailure> failures)
    {
        var line = Attribution(source);
        var materials = new List<Material> { new(MaterialKind.Link, line, source.Url) };
        materials.AddRange(mediaIds.Take(27).Select((id, i) => new Material(MaterialKind.File, Msg.Of("intake.reprintImage", ("number", i + 1)), null, id)));
        if (failures.Count > 0)
        {
            // Cut by whole lines: a message cut in the middle would no longer be one.
            var lines = new List<string>();
            var length = 0;
            foreach (var f in failures)
            {
                string listed = Msg.Of("intake.imageFailureLine", ("url", f.Url), ("reason", f.Reason));
                if ((length += listed.Length + 1) > 3800)
                {
                    break;
                }

                lines.Add(listed);
            }

            materials.Add(new Material(MaterialKind.Note, Msg.Of("intake.imagesNotStored", ("images", string.Join('\n', lines)))));
        }

        var room = MaxAngle - line.Length - 64;
        string angle = Msg.Of("intake.reprintAngle", ("attribution", line),
            ("excerpt", excerpt.Length > room ? excerpt[..Math.Max(0, room)] + "…" : excerpt));
        var channel = GrainFactory.GetGrain<IChannelGrain>(request.Channel);
        var id = await channel.AllocateArticleIdAsync(operationId + ":article");
        var article = GrainFactory.GetGrain<IArticleGrain>(id);
        var steps = new List<(string Step, ArticleCommand Command)>
        {
            ("file", new ArticleCommand.File
            {
                Channel = request.Channel,
                Title = title,
                Angle = angle,
                Materials = materials,
                Kind = ArticleKind.ImageText,
                Comment = Msg.Of("intake.reprintComment", ("url", source.Url)),
            }),
        };
        if (request.Mode == ReprintMode.Draft)
        {
            steps.Add(("confirm", new ArticleCommand.Confirm()));
            steps.Add(("assign", new ArticleCommand.Assign { Assignees = new List<Person> { actor.Person }, DueAt = _time.GetUtcNow().AddDays(1) }));
            steps.Add(("draft", new ArticleCommand.SaveDraft
            {
                Draft = new DraftContent(ArticleKind.ImageText, title, excerpt, body, mediaIds, null, null, source),
                BaseVersion = 0,
            }));
        }

        foreach (var (step, command) in steps)
        {
            var result = await article.ExecuteAsync(command, actor, $"{operationId}:{step}");
            if (!result.Ok)
            {
                // A draft-mode filing stopped half-way leaves the pitch where it is; a retry under the same operation id continues.
                return new Filing(null, Refuse(ReprintOutcome.Rejected, Msg.Of("intake.filingStepFailed", ("step", step), ("outcome", result.Outcome), ("reason", result.Message))));
            }
        }

        return new Filing(id, null);
    }

    /// <summary>The attribution line: 来源 · 作者 · 责任编辑 · 发布时间 · URL.</summary>
    internal static string Attribution(SourceAttribution s)
    {
        var parts = new List<string>();
        if (s.Source is { } source)
        {
            parts.Add(Msg.Of("intake.attributionSource", ("source", source)));
        }

        if (s.Author is { } author)
        {
            parts.Add(Msg.Of("intake.attributionAuthor", ("author", author)));
        }

        if (s.Editor is { } editor)
        {
            parts.Add(Msg.Of("intake.attributionEditor", ("editor", editor)));
        }

        if (s.PublishedAt is { } at)
        {
            parts.Add(Msg.Of("intake.attributionPublished", ("at", at.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture))));
        }

        parts.Add(s.Url);
        return string.Join(" · ", parts);
    }

    private ReprintResult Refuse(ReprintOutcome outcome, string message)
    {
        ReprintStage? stage = S.Record is null ? null : ReprintStage.Taken;
        return new ReprintResult(outcome, message, stage, ReprintWorkflow.Transitions.AllowedIn(stage), S.Record);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reprint of {Host} not taken: {Failure} ({Detail})")]
    private static partial void LogFetchFailed(ILogger logger, string host, FetchFailure? failure, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reprint {Url} taken as {ArticleId}: {Images} images stored, {Failures} failed")]
    private static partial void LogTaken(ILogger logger, string url, string articleId, int images, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reprint: the intake registry of party {Party} could not be updated ({Kind})")]
    private static partial void LogRegistryFailed(ILogger logger, string party, string kind);
}
