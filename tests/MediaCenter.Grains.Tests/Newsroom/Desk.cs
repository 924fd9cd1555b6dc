using System.Diagnostics;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>The people of the test newsroom, as kinds of caller relative to a story.</summary>
public enum Who
{
    /// <summary>The channel's chief (not an editor, reviews nothing).</summary>
    Chief,

    /// <summary>The editor who filed the pitch.</summary>
    Author,

    /// <summary>An editor the story is assigned to (once it is assigned).</summary>
    Assignee,

    /// <summary>An editor of the channel with nothing to do with the story.</summary>
    OtherEditor,

    /// <summary>A reviewer of level 1 (初审) only.</summary>
    Reviewer1,

    /// <summary>A reviewer of level 2 (复审) only.</summary>
    Reviewer2,

    /// <summary>A reviewer of level 3 (终审) only.</summary>
    Reviewer3,

    /// <summary>The platform itself.</summary>
    System,
}

/// <summary>The staff every newsroom test uses; roles are relative to the story, as the spec defines them.</summary>
public static class Staff
{
    public static NewsroomActor Chief { get; } = new(new Guid("c1000000-0000-0000-0000-000000000001"), "王主编", true, false, []);

    public static NewsroomActor Author { get; } = new(new Guid("a1000000-0000-0000-0000-000000000001"), "李记者", false, true, []);

    public static NewsroomActor Writer { get; } = new(new Guid("e1000000-0000-0000-0000-000000000001"), "张编辑", false, true, []);

    public static NewsroomActor CoWriter { get; } = new(new Guid("e1000000-0000-0000-0000-000000000002"), "赵编辑", false, true, []);

    public static NewsroomActor OtherEditor { get; } = new(new Guid("e1000000-0000-0000-0000-000000000003"), "陈编辑", false, true, []);

    /// <summary>A reviewer of exactly one level (not an editor).</summary>
    public static NewsroomActor Reviewer(int level) =>
        new(new Guid($"b1000000-0000-0000-0000-00000000000{level}"), $"审核{Text.Zh(ArticleWorkflow.LevelName(level))}", false, false, [level]);

    public static NewsroomActor Of(Who who) => who switch
    {
        Who.Chief => Chief,
        Who.Author => Author,
        Who.Assignee => Writer,
        Who.OtherEditor => OtherEditor,
        Who.Reviewer1 => Reviewer(1),
        Who.Reviewer2 => Reviewer(2),
        Who.Reviewer3 => Reviewer(3),
        Who.System => NewsroomActor.System,
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    /// <summary>
    /// The roles a caller holds in a story built by <see cref="Desk.StoryInAsync"/>: the chief is Chief; the filing
    /// editor is Editor + Author; the assigned editors are Editor + Assignee once the story was assigned; reviewers
    /// are Reviewer only while the story is in review at their level; the system user is System.
    /// </summary>
    public static NewsroomRole RolesOf(Who who, ArticleStage stage, int reviewLevel) => who switch
    {
        Who.Chief => NewsroomRole.Chief,
        Who.Author => NewsroomRole.Editor | NewsroomRole.Author,
        Who.Assignee => NewsroomRole.Editor | (WasAssigned(stage) ? NewsroomRole.Assignee : NewsroomRole.None),
        Who.OtherEditor => NewsroomRole.Editor,
        Who.Reviewer1 or Who.Reviewer2 or Who.Reviewer3 =>
            stage == ArticleStage.InReview && reviewLevel == who - Who.Reviewer1 + 1 ? NewsroomRole.Reviewer : NewsroomRole.None,
        Who.System => NewsroomRole.System,
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    private static bool WasAssigned(ArticleStage stage) =>
        stage is not (ArticleStage.Pitched or ArticleStage.PitchReturned or ArticleStage.Confirmed or ArticleStage.Deleted);
}

/// <summary>A channel of the test newsroom: builds stories in any stage through legal moves and gives commands.</summary>
public sealed class Desk(IGrainFactory grains, string channel)
{
    public static DateTimeOffset Now => ClusterFixture.GrainClock.GetUtcNow();

    public string Channel => channel;

    public IChannelGrain ChannelGrain => grains.GetGrain<IChannelGrain>(channel);

    /// <summary>A desk on a channel nobody else uses.</summary>
    public static Desk Fresh(IGrainFactory grains, string prefix) => new(grains, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);

    /// <summary>Sets the channel's review levels and targets (default: every target).</summary>
    public async Task<Desk> WithPolicyAsync(int reviewLevels, params PublishTarget[] targets)
    {
        await ChannelGrain.ConfigureAsync(reviewLevels, targets.Length > 0 ? targets : [PublishTarget.Pc, PublishTarget.Wap, PublishTarget.App],
            $"configure-{reviewLevels}-{string.Join('+', targets)}");
        return this;
    }

    public IArticleGrain NewStory() => grains.GetGrain<IArticleGrain>($"{channel}-{Guid.NewGuid():N}");

    public static Task<CommandResult> RunAsync(IArticleGrain story, ArticleCommand command, NewsroomActor actor, string? operationId = null) =>
        story.ExecuteAsync(command, actor, operationId ?? Guid.NewGuid().ToString("N"));

    /// <summary>Runs a command that must apply.</summary>
    public static async Task<ArticleCard> MustAsync(IArticleGrain story, ArticleCommand command, NewsroomActor actor, string? operationId = null)
    {
        var result = await RunAsync(story, command, actor, operationId);
        Assert.True(result.Ok, $"{command.Type} by {actor.Name} in {result.Stage}: {result.Outcome} {result.Message}");
        Assert.NotNull(result.Card);
        return result.Card;
    }

    public static async Task<ArticleView> ViewAsync(IArticleGrain story) =>
        await story.GetAsync() ?? throw new InvalidOperationException("the story was never filed");

    public static DraftContent TextDraft(string title = "城市书房夜读季开幕", string body = "<p>正文</p>") =>
        new(ArticleKind.ImageText, title, "摘要", body, [], null, null);

    /// <summary>A command of the given type with valid arguments for a story whose draft is at <paramref name="draftVersion"/>.</summary>
    public ArticleCommand Valid(ArticleCommandType type, int draftVersion = 0) => type switch
    {
        ArticleCommandType.File => new ArticleCommand.File
        {
            Channel = channel,
            Title = "城市书房夜读季",
            Angle = "从读者的一天写起",
            Kind = ArticleKind.ImageText,
            Materials = [new Material(MaterialKind.Note, "馆长采访记录"), new Material(MaterialKind.Link, "活动页", "https://example.org/night")],
        },
        ArticleCommandType.EditPitch => new ArticleCommand.EditPitch { Title = "城市书房夜读季（修改）", Angle = "聚焦夜归的年轻人" },
        ArticleCommandType.ReturnPitch => new ArticleCommand.ReturnPitch { Comment = "角度不够新，请补充数据" },
        ArticleCommandType.Refile => new ArticleCommand.Refile { Title = "城市书房夜读季：数据版" },
        ArticleCommandType.Delete => new ArticleCommand.Delete { Comment = "与已有选题重复" },
        ArticleCommandType.Confirm => new ArticleCommand.Confirm(),
        ArticleCommandType.Assign => new ArticleCommand.Assign { Assignees = [Staff.Writer.Person, Staff.CoWriter.Person], DueAt = Now.AddDays(7) },
        ArticleCommandType.ReportProgress => new ArticleCommand.ReportProgress { Progress = 40, Comment = "采访完成" },
        ArticleCommandType.SaveDraft => new ArticleCommand.SaveDraft { Draft = TextDraft(), BaseVersion = draftVersion },
        ArticleCommandType.Submit => new ArticleCommand.Submit(),
        ArticleCommandType.Approve => new ArticleCommand.Approve { Comment = "同意" },
        ArticleCommandType.Reject => new ArticleCommand.Reject { Comment = "数据来源不清" },
        ArticleCommandType.Publish => new ArticleCommand.Publish(),
        ArticleCommandType.Schedule => new ArticleCommand.Schedule { At = Now.AddDays(1) },
        ArticleCommandType.CancelSchedule => new ArticleCommand.CancelSchedule(),
        ArticleCommandType.FireSchedule => new ArticleCommand.FireSchedule(),
        ArticleCommandType.Withdraw => new ArticleCommand.Withdraw { Comment = "信息有误，撤稿" },
        _ => throw new NotSupportedException($"no valid arguments known for {type}: add them to Desk.Valid"),
    };

    /// <summary>A valid command for the story as it is now (reads the draft version).</summary>
    public async Task<ArticleCommand> ValidForAsync(IArticleGrain story, ArticleCommandType type) =>
        Valid(type, (await story.GetAsync())?.Card.DraftVersion ?? 0);

    /// <summary>A new story brought to <paramref name="stage"/> by legal moves only (in review: at <paramref name="reviewLevel"/>).</summary>
    public async Task<IArticleGrain> StoryInAsync(ArticleStage stage, int reviewLevel = 1)
    {
        var story = NewStory();
        var card = await BringAsync(story, stage, reviewLevel);
        Assert.Equal(stage, card.Stage);
        if (stage == ArticleStage.InReview)
        {
            Assert.Equal(reviewLevel, card.ReviewLevel);
        }

        return story;
    }

    private async Task<ArticleCard> BringAsync(IArticleGrain story, ArticleStage stage, int reviewLevel)
    {
        switch (stage)
        {
            case ArticleStage.Pitched:
                return await MustAsync(story, Valid(ArticleCommandType.File), Staff.Author);
            case ArticleStage.PitchReturned:
                await BringAsync(story, ArticleStage.Pitched, 0);
                return await MustAsync(story, Valid(ArticleCommandType.ReturnPitch), Staff.Chief);
            case ArticleStage.Deleted:
                await BringAsync(story, ArticleStage.Pitched, 0);
                return await MustAsync(story, Valid(ArticleCommandType.Delete), Staff.Chief);
            case ArticleStage.Confirmed:
                await BringAsync(story, ArticleStage.Pitched, 0);
                return await MustAsync(story, Valid(ArticleCommandType.Confirm), Staff.Chief);
            case ArticleStage.Assigned:
                await BringAsync(story, ArticleStage.Confirmed, 0);
                return await MustAsync(story, Valid(ArticleCommandType.Assign), Staff.Chief);
            case ArticleStage.Drafting:
                await BringAsync(story, ArticleStage.Assigned, 0);
                return await MustAsync(story, Valid(ArticleCommandType.SaveDraft, 0), Staff.Writer);
            case ArticleStage.InReview:
                await BringAsync(story, ArticleStage.Drafting, 0);
                var inReview = await MustAsync(story, Valid(ArticleCommandType.Submit), Staff.Writer);
                while (inReview.ReviewLevel < reviewLevel)
                {
                    inReview = await MustAsync(story, Valid(ArticleCommandType.Approve), Staff.Reviewer(inReview.ReviewLevel));
                }

                return inReview;
            case ArticleStage.Rejected:
                await BringAsync(story, ArticleStage.InReview, 1);
                return await MustAsync(story, Valid(ArticleCommandType.Reject), Staff.Reviewer(1));
            case ArticleStage.Approved:
                var card = await BringAsync(story, ArticleStage.InReview, 1);
                while (card.Stage == ArticleStage.InReview)
                {
                    card = await MustAsync(story, Valid(ArticleCommandType.Approve), Staff.Reviewer(card.ReviewLevel));
                }

                return card;
            case ArticleStage.Scheduled:
                await BringAsync(story, ArticleStage.Approved, 0);
                return await MustAsync(story, Valid(ArticleCommandType.Schedule), Staff.Chief);
            case ArticleStage.Published:
                await BringAsync(story, ArticleStage.Approved, 0);
                return await MustAsync(story, Valid(ArticleCommandType.Publish), Staff.Chief);
            case ArticleStage.Withdrawn:
                await BringAsync(story, ArticleStage.Published, 0);
                return await MustAsync(story, Valid(ArticleCommandType.Withdraw), Staff.Chief);
            default:
                throw new NotSupportedException($"no recipe to reach {stage}: add one to Desk.BringAsync");
        }
    }

    /// <summary>Polls the story (real time) until <paramref name="done"/> or the deadline; returns the last view.</summary>
    public static async Task<ArticleView> EventuallyAsync(IArticleGrain story, Func<ArticleView, bool> done, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        ArticleView view;
        do
        {
            view = await ViewAsync(story);
            if (done(view))
            {
                return view;
            }

            await Task.Delay(25);
        }
        while (clock.Elapsed < (deadline ?? TimeSpan.FromSeconds(10)));
        return view;
    }
}
