using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>Operation ids, draft version conflicts and argument validation of story commands.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ArticleCommandTests(ClusterFixture fixture)
{
    private static readonly string Channel = "cmd-" + Guid.NewGuid().ToString("N")[..8];

    private Desk Desk => new(fixture.Grains, Channel);

    /// <summary>Every row of the table that starts from a stage.</summary>
    public static TheoryData<ArticleStage, ArticleCommandType> Rows()
    {
        var data = new TheoryData<ArticleStage, ArticleCommandType>();
        foreach (var row in ArticleWorkflow.Transitions.Where(t => t.From is not null))
        {
            data.Add(row.From!.Value, row.Command);
        }

        return data;
    }

    private static NewsroomActor AllowedActor(ArticleStage stage, ArticleCommandType command, int reviewLevel)
    {
        var roles = ArticleWorkflow.Find(stage, command)!.Roles;
        return Staff.Of(Enum.GetValues<Who>().First(w => (Staff.RolesOf(w, stage, reviewLevel) & roles) != 0));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Repeating_a_move_with_its_operation_id_returns_the_first_result_and_applies_once(ArticleStage stage, ArticleCommandType command)
    {
        var story = await Desk.StoryInAsync(stage);
        var actor = AllowedActor(stage, command, reviewLevel: 1);
        var operationId = "op-" + Guid.NewGuid().ToString("N");

        var first = await Desk.RunAsync(story, await Desk.ValidForAsync(story, command), actor, operationId);
        Assert.True(first.Ok, $"{command} in {stage}: {first.Outcome} {first.Message}");
        var applied = await Desk.ViewAsync(story);
        var events = ClusterFixture.Newsroom.EventsOf(story.GetPrimaryKeyString()).Count;

        var repeat = await Desk.RunAsync(story, await Desk.ValidForAsync(story, command), actor, operationId);

        Assert.Equal(first.Outcome, repeat.Outcome);
        Assert.Equal(first.Stage, repeat.Stage);
        Assert.Equal(first.Card!.Version, repeat.Card!.Version);
        var after = await Desk.ViewAsync(story);
        Assert.Equal(applied.Card.Version, after.Card.Version);
        Assert.Equal(applied.Card.Stage, after.Card.Stage);
        Assert.Equal(applied.History.Count, after.History.Count);
        Assert.Equal(events, ClusterFixture.Newsroom.EventsOf(story.GetPrimaryKeyString()).Count);
    }

    [Fact]
    public async Task A_new_operation_id_is_a_new_command_even_with_the_same_arguments()
    {
        var story = await Desk.StoryInAsync(ArticleStage.Drafting);
        var start = (await Desk.ViewAsync(story)).Card.Version;
        var progress = new ArticleCommand.ReportProgress { Progress = 60, Comment = "初稿过半" };

        var first = await Desk.MustAsync(story, progress, Staff.Writer, "progress-a");
        var again = await Desk.RunAsync(story, progress with { Progress = 90 }, Staff.CoWriter, "progress-a");
        var second = await Desk.MustAsync(story, progress, Staff.Writer, "progress-b");

        Assert.Equal(start + 1, first.Version);
        Assert.Equal(first.Version, again.Card!.Version);
        Assert.Equal(60, again.Card.Progress); // the first result, not the repeat's arguments
        Assert.Equal(start + 2, second.Version);
        var view = await Desk.ViewAsync(story);
        Assert.Equal(start + 2, view.Card.Version);
        Assert.Equal(2, view.History.Count(h => h.Command == ArticleCommandType.ReportProgress));
    }

    [Fact]
    public async Task A_draft_saved_from_a_stale_version_is_a_conflict_and_keeps_the_newer_content()
    {
        var story = await Desk.StoryInAsync(ArticleStage.Drafting);
        var id = story.GetPrimaryKeyString();
        Assert.Equal(1, (await Desk.ViewAsync(story)).Card.DraftVersion);
        var seenByWriter = (await Desk.ViewAsync(story)).Card.DraftVersion;
        var seenByCoWriter = (await Desk.ViewAsync(story)).Card.DraftVersion;

        var writers = Desk.TextDraft("张编辑的第二版", "<p>张编辑补充了数据</p>");
        var saved = await Desk.MustAsync(story, new ArticleCommand.SaveDraft { Draft = writers, BaseVersion = seenByWriter }, Staff.Writer);
        var stale = await Desk.RunAsync(story,
            new ArticleCommand.SaveDraft { Draft = Desk.TextDraft("赵编辑的版本", "<p>赵编辑改了开头</p>"), BaseVersion = seenByCoWriter },
            Staff.CoWriter);

        Assert.Equal(2, saved.DraftVersion);
        Assert.Equal(CommandOutcome.VersionConflict, stale.Outcome);
        Assert.Contains("version 2", Text.En(stale.Message), StringComparison.Ordinal);
        Assert.Contains(Staff.Writer.Name, Text.Zh(stale.Message), StringComparison.Ordinal);
        var view = await Desk.ViewAsync(story);
        Assert.Equal(2, view.Card.DraftVersion);
        Assert.Equal(saved.Version, view.Card.Version);
        Assert.Equal(writers.Title, view.Draft!.Title);
        Assert.Equal(writers.BodyHtml, view.Draft.BodyHtml);

        var drafts = ClusterFixture.Newsroom.DraftsOf(id);
        Assert.Equal([1, 2], drafts.Select(d => d.Version));
        Assert.Equal(Staff.Writer.Person, drafts[1].By);
        Assert.Equal(writers.BodyHtml, drafts[1].Content.BodyHtml);
    }

    [Fact]
    public async Task Every_saved_draft_is_a_version_in_the_journal()
    {
        var story = await Desk.StoryInAsync(ArticleStage.Assigned);
        var id = story.GetPrimaryKeyString();
        var authors = new[] { Staff.Writer, Staff.CoWriter, Staff.Writer, Staff.CoWriter };
        for (var i = 0; i < authors.Length; i++)
        {
            var card = await Desk.MustAsync(story,
                new ArticleCommand.SaveDraft { Draft = Desk.TextDraft($"第 {i + 1} 版", $"<p>v{i + 1}</p>"), BaseVersion = i }, authors[i]);
            Assert.Equal(i + 1, card.DraftVersion);
        }

        var drafts = ClusterFixture.Newsroom.DraftsOf(id);
        Assert.Equal([1, 2, 3, 4], drafts.Select(d => d.Version));
        Assert.Equal(authors.Select(a => a.Person), drafts.Select(d => d.By));
        Assert.Equal(["<p>v1</p>", "<p>v2</p>", "<p>v3</p>", "<p>v4</p>"], drafts.Select(d => d.Content.BodyHtml));
        Assert.Equal("<p>v4</p>", (await Desk.ViewAsync(story)).Draft!.BodyHtml);
    }

    [Fact]
    public async Task A_pitch_without_a_title_is_invalid()
    {
        foreach (var title in new string?[] { null, "", "   " })
        {
            var story = Desk.NewStory();
            var result = await Desk.RunAsync(story, ((ArticleCommand.File)Desk.Valid(ArticleCommandType.File)) with { Title = title }, Staff.Author);
            Assert.Equal(CommandOutcome.Invalid, result.Outcome);
            Assert.Null(await story.GetAsync());
        }

        var pitched = await Desk.StoryInAsync(ArticleStage.Pitched);
        await AssertInvalidAsync(pitched, new ArticleCommand.EditPitch { Title = " " }, Staff.Chief);
    }

    [Fact]
    public async Task A_link_material_must_be_an_http_address()
    {
        foreach (var url in new string?[] { "ftp://example.org/a.zip", "javascript:alert(1)", "example.org/page", null })
        {
            var story = Desk.NewStory();
            var link = new Material(MaterialKind.Link, "参考链接", url);
            var result = await Desk.RunAsync(story, ((ArticleCommand.File)Desk.Valid(ArticleCommandType.File)) with { Materials = [link] }, Staff.Author);
            Assert.Equal(CommandOutcome.Invalid, result.Outcome);
            Assert.Null(await story.GetAsync());
        }

        var pitched = await Desk.StoryInAsync(ArticleStage.Pitched);
        await AssertInvalidAsync(pitched,
            new ArticleCommand.EditPitch { Materials = [new Material(MaterialKind.Link, "参考", "file:///etc/passwd")] }, Staff.Author);
        await Desk.MustAsync(pitched,
            new ArticleCommand.EditPitch { Materials = [new Material(MaterialKind.Link, "参考", "http://example.org/ok")] }, Staff.Author);
    }

    [Fact]
    public async Task Assigning_with_a_due_time_that_is_not_in_the_future_is_invalid()
    {
        var story = await Desk.StoryInAsync(ArticleStage.Confirmed);
        var assign = (ArticleCommand.Assign)Desk.Valid(ArticleCommandType.Assign);

        await AssertInvalidAsync(story, assign with { DueAt = Desk.Now.AddMinutes(-1) }, Staff.Chief);
        await AssertInvalidAsync(story, assign with { DueAt = Desk.Now }, Staff.Chief);
        await AssertInvalidAsync(story, assign with { DueAt = null }, Staff.Chief);
        await AssertInvalidAsync(story, assign with { Assignees = [] }, Staff.Chief);
        var card = await Desk.MustAsync(story, assign with { DueAt = Desk.Now.AddHours(1) }, Staff.Chief);
        Assert.Equal(ArticleStage.Assigned, card.Stage);
    }

    public static TheoryData<ArticleStage, ArticleCommandType, Who> NeedsAReason() => new()
    {
        { ArticleStage.Pitched, ArticleCommandType.ReturnPitch, Who.Chief },
        { ArticleStage.InReview, ArticleCommandType.Reject, Who.Reviewer1 },
        { ArticleStage.Published, ArticleCommandType.Withdraw, Who.Chief },
    };

    [Theory]
    [MemberData(nameof(NeedsAReason))]
    public async Task Rejecting_returning_a_pitch_or_withdrawing_needs_a_reason(ArticleStage stage, ArticleCommandType command, Who who)
    {
        var story = await Desk.StoryInAsync(stage);

        await AssertInvalidAsync(story, Desk.Valid(command) with { Comment = null }, Staff.Of(who));
        await AssertInvalidAsync(story, Desk.Valid(command) with { Comment = "  " }, Staff.Of(who));
        await Desk.MustAsync(story, Desk.Valid(command) with { Comment = "理由" }, Staff.Of(who));
    }

    [Fact]
    public async Task A_video_draft_needs_an_uploaded_video_or_a_video_link()
    {
        var story = await Desk.StoryInAsync(ArticleStage.Assigned);
        var video = new DraftContent(ArticleKind.Video, "夜读季现场", "摘要", "", [], null, null);

        await AssertInvalidAsync(story, new ArticleCommand.SaveDraft { Draft = video, BaseVersion = 0 }, Staff.Writer);
        await AssertInvalidAsync(story, new ArticleCommand.SaveDraft { Draft = video with { VideoUrl = "rtmp://live/x" }, BaseVersion = 0 }, Staff.Writer);
        var linked = await Desk.MustAsync(story,
            new ArticleCommand.SaveDraft { Draft = video with { VideoUrl = "https://video.example.org/1.mp4" }, BaseVersion = 0 }, Staff.Writer);
        var uploaded = await Desk.MustAsync(story,
            new ArticleCommand.SaveDraft { Draft = video with { MediaIds = [Guid.NewGuid()] }, BaseVersion = 1 }, Staff.Writer);
        Assert.Equal((ArticleKind.Video, 1, 2), (linked.Kind, linked.DraftVersion, uploaded.DraftVersion));
    }

    [Fact]
    public async Task An_interactive_draft_needs_a_question_and_at_least_two_options()
    {
        var story = await Desk.StoryInAsync(ArticleStage.Assigned);
        var poll = new DraftContent(ArticleKind.Interactive, "你最想在哪座书房夜读", "摘要", "<p>投票</p>", [], null, null);

        await AssertInvalidAsync(story, new ArticleCommand.SaveDraft { Draft = poll, BaseVersion = 0 }, Staff.Writer);
        await AssertInvalidAsync(story,
            new ArticleCommand.SaveDraft { Draft = poll with { Interaction = new(InteractionType.Poll, "选哪座？", ["东区书房"]) }, BaseVersion = 0 },
            Staff.Writer);
        await AssertInvalidAsync(story,
            new ArticleCommand.SaveDraft { Draft = poll with { Interaction = new(InteractionType.Poll, "选哪座？", ["东区书房", " "]) }, BaseVersion = 0 },
            Staff.Writer);
        var card = await Desk.MustAsync(story,
            new ArticleCommand.SaveDraft { Draft = poll with { Interaction = new(InteractionType.Poll, "选哪座？", ["东区书房", "西区书房"]) }, BaseVersion = 0 },
            Staff.Writer);
        Assert.Equal((ArticleKind.Interactive, 1), (card.Kind, card.DraftVersion));
    }

    /// <summary>The command is Invalid, and the story (version, stage, history, draft version) is unchanged.</summary>
    private static async Task AssertInvalidAsync(IArticleGrain story, ArticleCommand command, NewsroomActor actor)
    {
        var before = await Desk.ViewAsync(story);

        var result = await Desk.RunAsync(story, command, actor);

        Assert.True(result.Outcome == CommandOutcome.Invalid, $"{command.Type}: {result.Outcome} {result.Message}");
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        var after = await Desk.ViewAsync(story);
        Assert.Equal(before.Card.Version, after.Card.Version);
        Assert.Equal(before.Card.Stage, after.Card.Stage);
        Assert.Equal(before.Card.DraftVersion, after.Card.DraftVersion);
        Assert.Equal(before.History.Count, after.History.Count);
    }
}
