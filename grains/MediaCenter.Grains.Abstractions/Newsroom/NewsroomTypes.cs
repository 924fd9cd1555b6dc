namespace MediaCenter.Grains.Newsroom;

/// <summary>Where a story is in its life (the columns of the board).</summary>
public enum ArticleStage
{
    /// <summary>报题: filed by an editor, waiting for the chief.</summary>
    Pitched,

    /// <summary>报题退回: the chief returned the pitch with a reason; its editor may revise and refile.</summary>
    PitchReturned,

    /// <summary>选题库: confirmed into the channel's topic library.</summary>
    Confirmed,

    /// <summary>已指派: assigned to editors with a due time.</summary>
    Assigned,

    /// <summary>写作中: being written (progress reported or a draft saved).</summary>
    Drafting,

    /// <summary>审核中: at the review level in <see cref="ArticleCard.ReviewLevel"/> (1 初审, 2 复审, 3 终审).</summary>
    InReview,

    /// <summary>审核退回: a reviewer rejected it with comments; back with its editors.</summary>
    Rejected,

    /// <summary>待发布: every review level approved it.</summary>
    Approved,

    /// <summary>定时发布: it publishes by itself at <see cref="ArticleCard.ScheduledAt"/>.</summary>
    Scheduled,

    /// <summary>已发布: live on its targets.</summary>
    Published,

    /// <summary>已撤稿: withdrawn from every output, with a reason.</summary>
    Withdrawn,

    /// <summary>已删除: the chief deleted the pitch or topic.</summary>
    Deleted,
}

/// <summary>The kind of story (F7.1).</summary>
public enum ArticleKind
{
    /// <summary>图文.</summary>
    ImageText,

    /// <summary>视频: uploaded or linked media.</summary>
    Video,

    /// <summary>互动: a poll or a Q&amp;A with options.</summary>
    Interactive,
}

/// <summary>Where a channel publishes (F6.5).</summary>
public enum PublishTarget
{
    /// <summary>PC website.</summary>
    Pc,

    /// <summary>Mobile website.</summary>
    Wap,

    /// <summary>Mobile app.</summary>
    App,
}

/// <summary>What can be done to a story. Each is one row set of <see cref="ArticleWorkflow.Transitions"/>.</summary>
public enum ArticleCommandType
{
    /// <summary>报题: an editor files a pitch.</summary>
    File,

    /// <summary>The chief edits the title/outline; the author revises a pitch.</summary>
    EditPitch,

    /// <summary>The chief returns a pitch with a reason.</summary>
    ReturnPitch,

    /// <summary>The author refiles a returned pitch.</summary>
    Refile,

    /// <summary>The chief deletes a pitch or topic.</summary>
    Delete,

    /// <summary>The chief confirms a pitch into the topic library.</summary>
    Confirm,

    /// <summary>The chief assigns (or reassigns) a topic to editors with a due time.</summary>
    Assign,

    /// <summary>An assignee reports progress.</summary>
    ReportProgress,

    /// <summary>An assignee saves a draft (a new version).</summary>
    SaveDraft,

    /// <summary>An assignee submits the draft for review.</summary>
    Submit,

    /// <summary>A reviewer of the current level approves.</summary>
    Approve,

    /// <summary>A reviewer of the current level rejects with comments.</summary>
    Reject,

    /// <summary>The chief publishes now to the enabled targets.</summary>
    Publish,

    /// <summary>The chief schedules publishing.</summary>
    Schedule,

    /// <summary>The chief cancels a schedule.</summary>
    CancelSchedule,

    /// <summary>The platform publishes a scheduled story when its time comes.</summary>
    FireSchedule,

    /// <summary>The chief withdraws (撤稿) a published story with a reason.</summary>
    Withdraw,
}

/// <summary>Who may give a command, relative to the story.</summary>
[Flags]
public enum NewsroomRole
{
    /// <summary>Nobody.</summary>
    None = 0,

    /// <summary>The channel's chief (频道主编).</summary>
    Chief = 1,

    /// <summary>Any editor of the channel.</summary>
    Editor = 2,

    /// <summary>The editor who filed the pitch.</summary>
    Author = 4,

    /// <summary>An editor the story is assigned to.</summary>
    Assignee = 8,

    /// <summary>A reviewer of the story's current review level.</summary>
    Reviewer = 16,

    /// <summary>The platform itself (scheduled publishing).</summary>
    System = 32,
}

/// <summary>A person in the newsroom.</summary>
[GenerateSerializer, Alias("mc.Person")]
public sealed record Person([property: Id(0)] Guid Id, [property: Id(1)] string Name);

/// <summary>Who is giving a command, with their roles in the story's channel (from the identity store).</summary>
[GenerateSerializer, Alias("mc.NewsroomActor")]
public sealed record NewsroomActor(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string Name,
    [property: Id(2)] bool Chief,
    [property: Id(3)] bool Editor,
    [property: Id(4)] IReadOnlyList<int> ReviewLevels)
{
    /// <summary>The platform's own actor (scheduled publishing).</summary>
    public static NewsroomActor System { get; } = new(Guid.Empty, Msg.Of("newsroom.system"), false, false, []);

    /// <summary>The person behind the actor.</summary>
    public Person Person => new(UserId, Name);
}

/// <summary>A pitch's material (素材).</summary>
[GenerateSerializer, Alias("mc.Material")]
public sealed record Material(
    [property: Id(0)] MaterialKind Kind,
    [property: Id(1)] string Text,
    [property: Id(2)] string? Url = null,
    [property: Id(3)] Guid? MediaId = null);

/// <summary>What a material is.</summary>
public enum MaterialKind
{
    /// <summary>A text note.</summary>
    Note,

    /// <summary>A link (http or https).</summary>
    Link,

    /// <summary>An uploaded file in the media store.</summary>
    File,
}

/// <summary>The interactive part of an interactive story.</summary>
[GenerateSerializer, Alias("mc.Interaction")]
public sealed record Interaction(
    [property: Id(0)] InteractionType Type,
    [property: Id(1)] string Question,
    [property: Id(2)] IReadOnlyList<string> Options);

/// <summary>Poll or Q&amp;A.</summary>
public enum InteractionType
{
    /// <summary>投票.</summary>
    Poll,

    /// <summary>问答.</summary>
    QnA,
}

/// <summary>The content of a draft version. The body is sanitised HTML.</summary>
[GenerateSerializer, Alias("mc.DraftContent")]
public sealed record DraftContent(
    [property: Id(0)] ArticleKind Kind,
    [property: Id(1)] string Title,
    [property: Id(2)] string Summary,
    [property: Id(3)] string BodyHtml,
    [property: Id(4)] IReadOnlyList<Guid> MediaIds,
    [property: Id(5)] string? VideoUrl,
    [property: Id(6)] Interaction? Interaction,
    [property: Id(7)] SourceAttribution? Source = null);

/// <summary>
/// Where a reprinted story (转载) came from: kept on the draft for attribution (feeds show it as the source) and as lineage.
/// </summary>
[GenerateSerializer, Alias("mc.SourceAttribution")]
public sealed record SourceAttribution(
    [property: Id(0)] string Url,
    [property: Id(1)] string? Source,
    [property: Id(2)] string? Author,
    [property: Id(3)] string? Editor,
    [property: Id(4)] DateTimeOffset? PublishedAt,
    [property: Id(5)] string? SiteName,
    [property: Id(6)] List<ImageFailure>? ImageFailures = null);

/// <summary>An image of a reprinted page that could not be stored locally, and why (listed on the draft, never hidden).</summary>
[GenerateSerializer, Alias("mc.ImageFailure")]
public sealed record ImageFailure([property: Id(0)] string Url, [property: Id(1)] string Reason);

/// <summary>
/// A command to a story: one record per kind of move, carrying only its own arguments. Arguments the caller may omit
/// are nullable, so the grain answers a missing one with its own 422 message. <see cref="Comment"/> is the note any
/// command may carry into the story's timeline (the reason of a return, deletion, rejection or withdrawal).
/// </summary>
[GenerateSerializer, Alias("mc.ArticleCommand")]
public abstract record ArticleCommand
{
    /// <summary>The row set of <see cref="ArticleWorkflow.Transitions"/> this command is checked against.</summary>
    public abstract ArticleCommandType Type { get; }

    /// <summary>A note for the timeline; the reason where one is required.</summary>
    [Id(0)] public string? Comment { get; init; }

    /// <summary>The pitch fields filing, editing and refiling share: title (命题), angle (思路), materials (素材), kind.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Pitch")]
    public abstract record PitchCommand : ArticleCommand
    {
        /// <summary>Title (命题); null keeps it (required when filing).</summary>
        [Id(0)] public string? Title { get; init; }

        /// <summary>Angle or outline (思路); null keeps it.</summary>
        [Id(1)] public string? Angle { get; init; }

        /// <summary>Materials; null keeps them.</summary>
        [Id(2)] public IReadOnlyList<Material>? Materials { get; init; }

        /// <summary>The kind of story planned; null keeps it (image-text when filing).</summary>
        [Id(3)] public ArticleKind? Kind { get; init; }
    }

    /// <summary>报题: an editor files a pitch to a channel.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.File")]
    public sealed record File : PitchCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.File;

        /// <summary>The channel the pitch is filed to.</summary>
        [Id(0)] public string? Channel { get; init; }
    }

    /// <summary>The chief edits the pitch; the author revises it.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.EditPitch")]
    public sealed record EditPitch : PitchCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.EditPitch;
    }

    /// <summary>The author refiles a returned pitch (with revisions, if any).</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Refile")]
    public sealed record Refile : PitchCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Refile;
    }

    /// <summary>The chief returns a pitch; <see cref="Comment"/> is the reason (required).</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.ReturnPitch")]
    public sealed record ReturnPitch : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.ReturnPitch;
    }

    /// <summary>The chief deletes a pitch or topic (the author a returned pitch).</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Delete")]
    public sealed record Delete : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Delete;
    }

    /// <summary>The chief confirms a pitch into the topic library.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Confirm")]
    public sealed record Confirm : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Confirm;
    }

    /// <summary>The chief assigns (or reassigns) the story to editors with a due time.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Assign")]
    public sealed record Assign : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Assign;

        /// <summary>The editors (1–10).</summary>
        [Id(0)] public IReadOnlyList<Person>? Assignees { get; init; }

        /// <summary>When it is due (in the future).</summary>
        [Id(1)] public DateTimeOffset? DueAt { get; init; }
    }

    /// <summary>An assignee reports progress; <see cref="Comment"/> is the progress note.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.ReportProgress")]
    public sealed record ReportProgress : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.ReportProgress;

        /// <summary>0–100.</summary>
        [Id(0)] public int? Progress { get; init; }
    }

    /// <summary>An assignee saves a draft: a new version.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.SaveDraft")]
    public sealed record SaveDraft : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.SaveDraft;

        /// <summary>The content.</summary>
        [Id(0)] public DraftContent? Draft { get; init; }

        /// <summary>The draft version it was edited from (0 for the first); a stale one is a conflict.</summary>
        [Id(1)] public int? BaseVersion { get; init; }
    }

    /// <summary>An assignee submits the draft for review.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Submit")]
    public sealed record Submit : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Submit;
    }

    /// <summary>A reviewer of the current level approves.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Approve")]
    public sealed record Approve : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Approve;
    }

    /// <summary>A reviewer of the current level rejects; <see cref="Comment"/> is the reason (required).</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Reject")]
    public sealed record Reject : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Reject;
    }

    /// <summary>The chief publishes now.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Publish")]
    public sealed record Publish : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Publish;

        /// <summary>The targets (default: every target the channel enables).</summary>
        [Id(0)] public IReadOnlyList<PublishTarget>? Targets { get; init; }
    }

    /// <summary>The chief schedules publishing.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Schedule")]
    public sealed record Schedule : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Schedule;

        /// <summary>When (in the future).</summary>
        [Id(0)] public DateTimeOffset? At { get; init; }

        /// <summary>The targets (default: every target the channel enables).</summary>
        [Id(1)] public IReadOnlyList<PublishTarget>? Targets { get; init; }
    }

    /// <summary>The chief cancels a schedule.</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.CancelSchedule")]
    public sealed record CancelSchedule : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.CancelSchedule;
    }

    /// <summary>The platform publishes a scheduled story when its time comes (to the scheduled targets).</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.FireSchedule")]
    public sealed record FireSchedule : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.FireSchedule;
    }

    /// <summary>The chief withdraws (撤稿) a published story; <see cref="Comment"/> is the reason (required).</summary>
    [GenerateSerializer, Alias("mc.ArticleCommand.Withdraw")]
    public sealed record Withdraw : ArticleCommand
    {
        /// <inheritdoc/>
        public override ArticleCommandType Type => ArticleCommandType.Withdraw;
    }
}

/// <summary>How a command ended.</summary>
public enum CommandOutcome
{
    /// <summary>Applied (or a repeat of an applied operation id).</summary>
    Applied,

    /// <summary>The story is not in a state where this command is allowed (409).</summary>
    IllegalMove,

    /// <summary>The caller does not hold a role the command needs (403).</summary>
    Forbidden,

    /// <summary>The draft was edited from an older version (409).</summary>
    VersionConflict,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,

    /// <summary>No such story (404).</summary>
    NotFound,

    /// <summary>The channel is suspended (暂停对外服务) and refuses publishing (409).</summary>
    ChannelSuspended,
}

/// <summary>The result of a command: the card after it, or why it was refused and what is allowed now.</summary>
[GenerateSerializer, Alias("mc.CommandResult")]
public sealed record CommandResult(
    [property: Id(0)] CommandOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] ArticleStage? Stage,
    [property: Id(3)] IReadOnlyList<ArticleCommandType> AllowedMoves,
    [property: Id(4)] ArticleCard? Card)
{
    /// <summary>True when applied.</summary>
    public bool Ok => Outcome == CommandOutcome.Applied;
}

/// <summary>Per-target publishing state.</summary>
[GenerateSerializer, Alias("mc.TargetState")]
public sealed record TargetState(
    [property: Id(0)] PublishTarget Target,
    [property: Id(1)] DateTimeOffset PublishedAt,
    [property: Id(2)] DateTimeOffset? WithdrawnAt);

/// <summary>What the board shows of a story.</summary>
[GenerateSerializer, Alias("mc.ArticleCard")]
public sealed record ArticleCard(
    [property: Id(0)] string Id,
    [property: Id(1)] string Channel,
    [property: Id(2)] ArticleStage Stage,
    [property: Id(3)] ArticleKind Kind,
    [property: Id(4)] string Title,
    [property: Id(5)] Person Author,
    [property: Id(6)] IReadOnlyList<Person> Assignees,
    [property: Id(7)] DateTimeOffset? DueAt,
    [property: Id(8)] int Progress,
    [property: Id(9)] int ReviewLevel,
    [property: Id(10)] int ReviewLevels,
    [property: Id(11)] DateTimeOffset? ScheduledAt,
    [property: Id(12)] IReadOnlyList<TargetState> Targets,
    [property: Id(13)] string? LastComment,
    [property: Id(14)] int DraftVersion,
    [property: Id(15)] long Version,
    [property: Id(16)] DateTimeOffset UpdatedAt)
{
    /// <summary>True when the work is due and not yet in review.</summary>
    public bool OverdueAt(DateTimeOffset now) =>
        DueAt is { } due && now > due && Stage is ArticleStage.Assigned or ArticleStage.Drafting or ArticleStage.Rejected;
}

/// <summary>One entry of a story's timeline: every command applied, with actor, time and comment.</summary>
[GenerateSerializer, Alias("mc.ArticleHistoryEntry")]
public sealed record ArticleHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] Person Actor,
    [property: Id(3)] ArticleCommandType Command,
    [property: Id(4)] ArticleStage From,
    [property: Id(5)] ArticleStage To,
    [property: Id(6)] string? Comment,
    [property: Id(7)] int? ReviewLevel);

/// <summary>A story in full.</summary>
[GenerateSerializer, Alias("mc.ArticleView")]
public sealed record ArticleView(
    [property: Id(0)] ArticleCard Card,
    [property: Id(1)] string Angle,
    [property: Id(2)] IReadOnlyList<Material> Materials,
    [property: Id(3)] DraftContent? Draft,
    [property: Id(4)] string? ProgressNote,
    [property: Id(5)] IReadOnlyList<ArticleHistoryEntry> History);

/// <summary>A channel's newsroom policy (F6.4, F6.5).</summary>
[GenerateSerializer, Alias("mc.ChannelPolicy")]
public sealed record ChannelPolicy(
    [property: Id(0)] int ReviewLevels,
    [property: Id(1)] IReadOnlyList<PublishTarget> Targets,
    [property: Id(2)] bool Suspended,
    [property: Id(3)] string? SuspendedReason,
    [property: Id(4)] DateTimeOffset? SuspendedAt,
    [property: Id(5)] string? ApplicationSuspendedReason = null)
{
    /// <summary>
    /// True when the channel gives no outward service: suspended on its own, or its application (接入应用) is suspended.
    /// The two are kept apart so resuming the application leaves a channel suspended on its own as it was.
    /// </summary>
    /// <remarks>A method, not a property: stored grain state is JSON of every property.</remarks>
    public bool IsOutOfService() => Suspended || ApplicationSuspendedReason is not null;

    /// <summary>Why the channel gives no outward service (its own reason first), or null.</summary>
    public string? OutOfServiceReason() => Suspended ? SuspendedReason : ApplicationSuspendedReason;

    /// <summary>The policy of a channel nobody configured: three review levels, every target.</summary>
    /// <remarks>Collections in stored state are concrete lists: the stored JSON names runtime types, and the compiler's own
    /// collection-expression types cannot be resolved when the state is read back.</remarks>
    public static ChannelPolicy Default { get; } = new(3, new List<PublishTarget> { PublishTarget.Pc, PublishTarget.Wap, PublishTarget.App }, false, null, null);
}

/// <summary>The board of a channel at a version.</summary>
[GenerateSerializer, Alias("mc.BoardSnapshot")]
public sealed record BoardSnapshot(
    [property: Id(0)] string Channel,
    [property: Id(1)] long Version,
    [property: Id(2)] ChannelPolicy Policy,
    [property: Id(3)] IReadOnlyList<ArticleCard> Cards);

/// <summary>One change of a board: applies on top of <see cref="Version"/> − 1; <see cref="At"/> is when the channel grain sent it.</summary>
[GenerateSerializer, Alias("mc.BoardDelta")]
public sealed record BoardDelta(
    [property: Id(0)] string Channel,
    [property: Id(1)] long Version,
    [property: Id(2)] ArticleCard? Card,
    [property: Id(3)] ChannelPolicy? Policy,
    [property: Id(4)] DateTimeOffset At);
