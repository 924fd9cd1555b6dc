using System.Text.RegularExpressions;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Newsroom;

/// <summary>The newsroom API under /api/v1 (F6, F7.1): boards, pitches, the story commands, versions, policy, my tasks.</summary>
internal static partial class NewsroomApi
{
    public sealed record MaterialBody(MaterialKind? Kind, string? Text, string? Url, Guid? MediaId);

    public sealed record InteractionBody(InteractionType? Type, string? Question, IReadOnlyList<string>? Options);

    public sealed record DraftBody(ArticleKind? Kind, string? Title, string? Summary, string? BodyHtml, IReadOnlyList<Guid>? MediaIds, string? VideoUrl,
        InteractionBody? Interaction);

    /// <summary>The arguments of any story command; which ones matter depends on the command (see docs/NEWSROOM.md).</summary>
    public sealed record CommandBody(string? Title, string? Angle, IReadOnlyList<MaterialBody>? Materials, ArticleKind? Kind, string? Comment,
        IReadOnlyList<Guid>? Assignees, DateTimeOffset? DueAt, int? Progress, DraftBody? Draft, int? BaseVersion,
        IReadOnlyList<PublishTarget>? Targets, DateTimeOffset? At);

    public sealed record PolicyBody(int? ReviewLevels, IReadOnlyList<PublishTarget>? Targets);

    public sealed record SuspensionBody(bool? Suspended, string? Reason);

    public sealed record Board(string Channel, string Name, string PartyId, long Version, ChannelPolicy Policy, IReadOnlyList<ArticleCard> Cards,
        DateTimeOffset ServerTime);

    public sealed record Workflow(IReadOnlyList<WorkflowRow> Transitions, IReadOnlyList<string> Stages, IReadOnlyList<string> Commands);

    public sealed record WorkflowRow(string? From, string Command, IReadOnlyList<string> Roles, string? To);

    /// <summary>Route segment of each command (kebab-case), e.g. SaveDraft → save-draft.</summary>
    public static string Slug(ArticleCommandType command) => Kebab().Replace(command.ToString(), "-$1").ToLowerInvariant();

    public static IEndpointRouteBuilder MapNewsroomApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/api/v1").WithTags("newsroom");

        v1.MapGet("/newsroom/workflow", () => Results.Ok(new Workflow(
                [.. ArticleWorkflow.Transitions.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(),
                    [.. Enum.GetValues<NewsroomRole>().Where(r => r != NewsroomRole.None && t.Roles.HasFlag(r)).Select(r => r.ToString())], t.To?.ToString()))],
                Enum.GetNames<ArticleStage>(), Enum.GetNames<ArticleCommandType>())))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("NewsroomWorkflow")
            .WithSummary("The transition table (state × command × roles → next state); boards derive each card's actions from it.");

        v1.MapGet("/channels/{code}/board", async (string code, HttpContext http, PartyDirectory directory, IClusterClient cluster, TimeProvider time) =>
            {
                var channel = await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                var board = await cluster.GetGrain<IChannelGrain>(code).GetBoardAsync();
                return Results.Ok(new Board(code, channel.Name, channel.PartyId, board.Version, board.Policy, board.Cards, time.GetUtcNow()));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetBoard")
            .WithSummary("A channel's board now, with its version: apply live deltas (SignalR `boardChanged`) with a higher version on top.");

        v1.MapPut("/channels/{code}/policy", async (string code, PolicyBody body, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                var channel = await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                var caller = http.CurrentUser();
                if (!caller.CanManageParty(channel.PartyId) && !NewsroomAccess.Actor(caller, code).Chief)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("newsroom.policyForbidden"));
                }

                if (body.ReviewLevels is null || body.Targets is null)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.policyFieldsRequired"));
                }

                try
                {
                    // §8.1.5.5: a new review level is new business for the party's newsroom posts, who owe their training again; the
                    // channel tells the party's training grain from its own stored state.
                    var policy = await cluster.GetGrain<IChannelGrain>(code).ConfigureAsync(body.ReviewLevels.Value, body.Targets, CommandIds.Required(http),
                        channel.PartyId);
                    http.Audit().Target = "channel:" + code;
                    http.Audit().Details["after"] = new { policy.ReviewLevels, Targets = policy.Targets.Select(t => t.ToString()) };
                    return Results.Ok(policy);
                }
                catch (ArgumentException ex)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, ex.Message);
                }
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SetChannelPolicy")
            .WithSummary("Sets the channel's review levels (1–3: first, second and final review) and publishing targets (chief or party admin). "
                + "A new review level owes the party's newsroom posts their post-basics and operating-skills training again (§8.1.5.5).");

        v1.MapPut("/channels/{code}/suspension", async (string code, SuspensionBody body, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                if (body.Suspended is null)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.suspendedRequired"));
                }

                try
                {
                    var policy = await cluster.GetGrain<IChannelGrain>(code).SetSuspendedAsync(body.Suspended.Value, body.Reason, CommandIds.Required(http));
                    http.Audit().Target = "channel:" + code;
                    http.Audit().Details["after"] = new { policy.Suspended, policy.SuspendedReason };
                    return Results.Ok(policy);
                }
                catch (ArgumentException ex)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, ex.Message);
                }
            })
            .RequireAuthorization(Policies.Operations)
            .WithName("SetChannelSuspension")
            .WithSummary("Suspends a channel's outward service (publishing refused, feeds answer 503) or reopens it after verification.");

        v1.MapPost("/channels/{code}/pitches", async (string code, CommandBody body, HttpContext http, PartyDirectory directory, IClusterClient cluster,
                MediaStore media) =>
            {
                await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                var actor = NewsroomAccess.Actor(http.CurrentUser(), code);
                if (!actor.Editor)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("newsroom.pitchForbidden"));
                }

                var operation = CommandIds.Required(http);
                var materials = await MaterialsAsync(body.Materials, code, media, http.RequestAborted);
                var id = await cluster.GetGrain<IChannelGrain>(code).AllocateArticleIdAsync(operation);
                var result = await cluster.GetGrain<IArticleGrain>(id).ExecuteAsync(new ArticleCommand.File
                {
                    Channel = code,
                    Title = body.Title,
                    Angle = body.Angle ?? "",
                    Materials = materials ?? [],
                    Kind = body.Kind,
                }, actor, operation);
                http.Audit().Target = "article:" + id;
                return result.Ok ? Results.Created($"/api/v1/articles/{id}", result.Card) : NewsroomAccess.Answer(result);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("FilePitch")
            .WithSummary("An editor of the channel files a pitch (title, angle, materials). Requires an Idempotency-Key.");

        v1.MapGet("/articles/{id}", async (string id, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
                Results.Ok(await VisibleArticleAsync(id, http, directory, cluster)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetArticle")
            .WithSummary("A story in full: card, angle, materials, current draft, progress, and its whole timeline.");

        v1.MapGet("/articles/{id}/versions", async (string id, HttpContext http, PartyDirectory directory, IClusterClient cluster, NewsroomReadModel read) =>
            {
                await VisibleArticleAsync(id, http, directory, cluster);
                return Results.Ok(await read.VersionsAsync(id, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListArticleVersions")
            .WithSummary("Every saved draft version: number, title, who saved it and when.");

        v1.MapGet("/articles/{id}/versions/{version:int}", async (string id, int version, HttpContext http, PartyDirectory directory, IClusterClient cluster,
                NewsroomReadModel read) =>
            {
                await VisibleArticleAsync(id, http, directory, cluster);
                return await read.VersionAsync(id, version, http.RequestAborted) is { } content
                    ? Results.Ok(content)
                    : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.noSuchVersion", ("version", version)));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetArticleVersion")
            .WithSummary("The content of one saved draft version.");

        foreach (var command in Enum.GetValues<ArticleCommandType>().Where(c => c is not (ArticleCommandType.File or ArticleCommandType.FireSchedule)))
        {
            v1.MapPost($"/articles/{{id}}/{Slug(command)}", (string id, CommandBody? body, HttpContext http, PartyDirectory directory, IClusterClient cluster,
                    MediaStore media) => ExecuteAsync(command, id, body ?? Empty, http, directory, cluster, media))
                .RequireAuthorization(Policies.PartyRead)
                .WithName("Article" + command)
                .WithSummary($"{command}: see the transition table (GET /api/v1/newsroom/workflow). Requires an Idempotency-Key; a repeat returns the first result.");
        }

        v1.MapGet("/me/tasks", async (HttpContext http, NewsroomReadModel read) =>
                Results.Ok(await read.TasksAsync(http.CurrentUser().Id, http.RequestAborted)))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("MyTasks")
            .WithSummary("The caller's own work across channels: assigned stories not yet approved, and their pitches waiting or returned.");

        return endpoints;
    }

    private static readonly CommandBody Empty = new(null, null, null, null, null, null, null, null, null, null, null, null);

    private static async Task<IResult> ExecuteAsync(ArticleCommandType type, string id, CommandBody body, HttpContext http, PartyDirectory directory,
        IClusterClient cluster, MediaStore media)
    {
        var card = await cluster.GetGrain<IArticleGrain>(id).GetCardAsync()
            ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.storyNotFound", ("id", id)));
        await NewsroomAccess.VisibleChannelAsync(card.Channel, http, directory);
        var channel = card.Channel;
        var actor = NewsroomAccess.Actor(http.CurrentUser(), channel);
        var operation = CommandIds.Required(http);
        IReadOnlyList<Person>? assignees = null;
        if (type == ArticleCommandType.Assign && body.Assignees is { Count: > 0 } ids)
        {
            var editors = (await directory.MembersAsync(channel, http.RequestAborted)).Where(m => m.Role == ChannelRoles.Editor).ToDictionary(m => m.UserId);
            var strangers = ids.Where(i => !editors.ContainsKey(i)).ToList();
            if (strangers.Count > 0)
            {
                throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.assigneesNotEditors", ("people", Msg.List(strangers.Cast<object?>()))));
            }

            assignees = [.. ids.Distinct().Select(i => new Person(i, editors[i].DisplayName))];
        }

        ArticleCommand command = type switch
        {
            ArticleCommandType.EditPitch => new ArticleCommand.EditPitch
            {
                Title = body.Title,
                Angle = body.Angle,
                Materials = await MaterialsAsync(body.Materials, channel, media, http.RequestAborted),
                Kind = body.Kind,
            },
            ArticleCommandType.Refile => new ArticleCommand.Refile
            {
                Title = body.Title,
                Angle = body.Angle,
                Materials = await MaterialsAsync(body.Materials, channel, media, http.RequestAborted),
                Kind = body.Kind,
            },
            ArticleCommandType.ReturnPitch => new ArticleCommand.ReturnPitch(),
            ArticleCommandType.Delete => new ArticleCommand.Delete(),
            ArticleCommandType.Confirm => new ArticleCommand.Confirm(),
            ArticleCommandType.Assign => new ArticleCommand.Assign { Assignees = assignees ?? (body.Assignees is null ? null : []), DueAt = body.DueAt },
            ArticleCommandType.ReportProgress => new ArticleCommand.ReportProgress { Progress = body.Progress },
            ArticleCommandType.SaveDraft => new ArticleCommand.SaveDraft
            {
                Draft = body.Draft is null ? null : await DraftAsync(body.Draft, channel, media, http.RequestAborted),
                BaseVersion = body.BaseVersion,
            },
            ArticleCommandType.Submit => new ArticleCommand.Submit(),
            ArticleCommandType.Approve => new ArticleCommand.Approve(),
            ArticleCommandType.Reject => new ArticleCommand.Reject(),
            ArticleCommandType.Publish => new ArticleCommand.Publish { Targets = body.Targets },
            ArticleCommandType.Schedule => new ArticleCommand.Schedule { At = body.At, Targets = body.Targets },
            ArticleCommandType.CancelSchedule => new ArticleCommand.CancelSchedule(),
            ArticleCommandType.Withdraw => new ArticleCommand.Withdraw(),
            _ => throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.noSuchCommand", ("command", type))),
        };
        command = command with { Comment = body.Comment };
        var result = await cluster.GetGrain<IArticleGrain>(id).ExecuteAsync(command, actor, operation);
        http.Audit().Target = "article:" + id;
        if (result.Ok)
        {
            http.Audit().Details["stage"] = result.Stage?.ToString();
        }

        return NewsroomAccess.Answer(result);
    }

    internal static async Task<ArticleView> VisibleArticleAsync(string id, HttpContext http, PartyDirectory directory, IClusterClient cluster)
    {
        var view = await cluster.GetGrain<IArticleGrain>(id).GetAsync()
            ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.storyNotFound", ("id", id)));
        await NewsroomAccess.VisibleChannelAsync(view.Card.Channel, http, directory);
        return view;
    }

    private static async Task<IReadOnlyList<Material>?> MaterialsAsync(IReadOnlyList<MaterialBody>? materials, string channel, MediaStore media,
        CancellationToken cancellationToken)
    {
        if (materials is null)
        {
            return null;
        }

        var result = new List<Material>();
        foreach (var m in materials)
        {
            if (m.Kind is not { } kind)
            {
                throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.materialKindRequired"));
            }

            if (m.MediaId is { } mediaId && !await media.BelongsAsync(mediaId, channel, cancellationToken))
            {
                throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.fileNotInChannel", ("id", mediaId)));
            }

            result.Add(new Material(kind, m.Text ?? "", m.Url, m.MediaId));
        }

        return result;
    }

    private static async Task<DraftContent> DraftAsync(DraftBody d, string channel, MediaStore media, CancellationToken cancellationToken)
    {
        var mediaIds = d.MediaIds ?? [];
        foreach (var mediaId in mediaIds)
        {
            if (!await media.BelongsAsync(mediaId, channel, cancellationToken))
            {
                throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.fileNotInChannel", ("id", mediaId)));
            }
        }

        // Rich text is sanitised here, at the edge: scripts, event handlers and javascript: links never reach storage.
        return new DraftContent(d.Kind ?? ArticleKind.ImageText, d.Title?.Trim() ?? "", d.Summary?.Trim() ?? "", MediaCenter.Hosting.RichText.Sanitize(d.BodyHtml ?? ""),
            mediaIds, d.VideoUrl?.Trim() is { Length: > 0 } url ? url : null,
            d.Interaction is { } i ? new Interaction(i.Type ?? InteractionType.Poll, i.Question?.Trim() ?? "", [.. (i.Options ?? []).Select(o => o.Trim())]) : null);
    }

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Kebab();
}
