using System.Diagnostics;
using MediaCenter.Grains.Interactive;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Tests.Newsroom;
using Orleans.Core.Internal;

namespace MediaCenter.Grains.Tests.Interactive;

/// <summary>The public answering published interactive stories: one vote per device, exact counts under concurrency, closing on withdrawal, moderated questions.</summary>
[Collection(ClusterCollection.Name)]
public sealed class InteractionGrainTests(ClusterFixture fixture)
{
    private static readonly InteractionModerator Moderator = new(Staff.Chief.UserId, Staff.Chief.Name, InteractionRole.Moderator);
    private static readonly InteractionModerator Outsider = new(Guid.NewGuid(), "访客", InteractionRole.None);

    /// <summary>A story of the given kind brought to Published (or only Approved) by legal moves.</summary>
    private async Task<IArticleGrain> StoryAsync(InteractionType type = InteractionType.Poll, bool publish = true, bool interactive = true)
    {
        var desk = await Desk.Fresh(fixture.Grains, "ia").WithPolicyAsync(1);
        var story = desk.NewStory();
        await Desk.MustAsync(story, (ArticleCommand.File)desk.Valid(ArticleCommandType.File) with { Kind = ArticleKind.Interactive }, Staff.Author);
        await Desk.MustAsync(story, new ArticleCommand.Confirm(), Staff.Chief);
        await Desk.MustAsync(story, desk.Valid(ArticleCommandType.Assign), Staff.Chief);
        var draft = interactive
            ? new DraftContent(ArticleKind.Interactive, "夜读季最想读哪本书", "投票", "<p>说明</p>", [], null,
                new Interaction(type, "你最想读哪一本？", ["红楼梦", "三体", "平凡的世界"]))
            : Desk.TextDraft();
        await Desk.MustAsync(story, new ArticleCommand.SaveDraft { Draft = draft, BaseVersion = 0 }, Staff.Writer);
        await Desk.MustAsync(story, new ArticleCommand.Submit(), Staff.Writer);
        await Desk.MustAsync(story, new ArticleCommand.Approve(), Staff.Reviewer(1));
        if (publish)
        {
            await Desk.MustAsync(story, new ArticleCommand.Publish(), Staff.Chief);
        }

        return story;
    }

    private IInteractionGrain Of(IArticleGrain story) => fixture.Grains.GetGrain<IInteractionGrain>(story.GetPrimaryKeyString());

    private static string Device() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_device_votes_once_and_its_retries_add_nothing()
    {
        var interaction = Of(await StoryAsync());
        var device = Device();

        var first = await interaction.VoteAsync(device, 1);
        var again = await interaction.VoteAsync(device, 1);
        var otherOption = await interaction.VoteAsync(device, 2);

        Assert.True(first.Ok, first.Message);
        Assert.Equal([0, 1, 0], first.Results!.Counts);
        Assert.Equal(InteractionOutcome.AlreadyVoted, again.Outcome);
        Assert.Equal(InteractionOutcome.AlreadyVoted, otherOption.Outcome);
        Assert.Equal(1, otherOption.VotedOption);
        Assert.Contains("三体", Text.En(otherOption.Message), StringComparison.Ordinal);
        var results = (await interaction.GetResultsAsync()).Results!;
        Assert.Equal([0, 1, 0], results.Counts);
        Assert.Equal(1, results.Votes);
    }

    [Fact]
    public async Task An_option_outside_the_poll_or_a_missing_device_is_refused_and_counts_nothing()
    {
        var interaction = Of(await StoryAsync());

        var beyond = await interaction.VoteAsync(Device(), 3);
        var negative = await interaction.VoteAsync(Device(), -1);
        var anonymous = await interaction.VoteAsync("", 0);

        Assert.Equal(InteractionOutcome.UnknownOption, beyond.Outcome);
        Assert.Contains("3", Text.En(beyond.Message), StringComparison.Ordinal);
        Assert.Equal(InteractionOutcome.UnknownOption, negative.Outcome);
        Assert.Equal(InteractionOutcome.Invalid, anonymous.Outcome);
        Assert.Equal(0, (await interaction.GetResultsAsync()).Results!.Votes);
    }

    [Fact]
    public async Task Two_hundred_devices_voting_at_once_are_each_counted_exactly_once_even_when_every_one_retries()
    {
        var story = await StoryAsync();
        var interaction = Of(story);
        var devices = Enumerable.Range(0, 200).Select(n => (Device: Device(), Option: n % 3)).ToList();

        // Each device sends its vote twice at the same moment (a double tap, a retry after a timeout).
        var answers = await Task.WhenAll(devices.SelectMany(d => new[] { d, d }).Select(d => Task.Run(() => interaction.VoteAsync(d.Device, d.Option))));

        Assert.Equal(200, answers.Count(a => a.Ok));
        Assert.Equal(200, answers.Count(a => a.Outcome == InteractionOutcome.AlreadyVoted));
        var results = (await interaction.GetResultsAsync()).Results!;
        Assert.Equal(200, results.Votes);
        Assert.Equal(200, results.Counts.Sum());
        Assert.Equal([67, 67, 66], results.Counts);

        // What was acknowledged was written: a new activation reads the same counts back.
        await interaction.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var reread = (await interaction.GetResultsAsync()).Results!;
        Assert.Equal([67, 67, 66], reread.Counts);

        // The read table follows within moments.
        var clock = Stopwatch.StartNew();
        while (ClusterFixture.Interactions.ResultsOf(story.GetPrimaryKeyString()) is not { Votes: 200 } && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.Equal([67, 67, 66], ClusterFixture.Interactions.ResultsOf(story.GetPrimaryKeyString())?.Counts);
    }

    [Fact]
    public async Task Voting_is_refused_once_the_story_is_withdrawn_and_the_results_stay()
    {
        var story = await StoryAsync();
        var interaction = Of(story);
        Assert.True((await interaction.VoteAsync(Device(), 0)).Ok);

        await Desk.MustAsync(story, new ArticleCommand.Withdraw { Comment = "信息有误，撤稿" }, Staff.Chief);
        var late = await interaction.VoteAsync(Device(), 0);
        var lateQuestion = await interaction.AskAsync(Device(), "还能投票吗？", "late-question-0001");

        Assert.Equal(InteractionOutcome.NotPublished, late.Outcome);
        Assert.Contains("withdrawn", Text.En(late.Message), StringComparison.Ordinal);
        Assert.Equal(InteractionOutcome.NotPublished, lateQuestion.Outcome);
        var view = await interaction.GetAsync();
        Assert.NotNull(view);
        Assert.False(view.Results.Open);
        Assert.Equal([1, 0, 0], view.Results.Counts);
    }

    [Fact]
    public async Task A_story_not_yet_published_or_not_interactive_takes_no_answers()
    {
        var approved = Of(await StoryAsync(publish: false));
        var text = Of(await StoryAsync(interactive: false));
        var never = fixture.Grains.GetGrain<IInteractionGrain>("ia-never-filed-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(InteractionOutcome.NotPublished, (await approved.VoteAsync(Device(), 0)).Outcome);
        Assert.Equal(InteractionOutcome.NotInteractive, (await text.VoteAsync(Device(), 0)).Outcome);
        Assert.Equal(InteractionOutcome.NotFound, (await never.VoteAsync(Device(), 0)).Outcome);
        Assert.Null(await text.GetAsync());
    }

    [Fact]
    public async Task Questions_wait_for_moderation_and_move_only_as_the_table_allows()
    {
        var story = await StoryAsync(InteractionType.QnA);
        var interaction = Of(story);
        var device = Device();

        var asked = await interaction.AskAsync(device, "  夜读季\n会延长开放时间吗？ ", "ask-key-00000001");
        var resent = await interaction.AskAsync(device, "  夜读季\n会延长开放时间吗？ ", "ask-key-00000001");
        var second = await interaction.AskAsync(Device(), "有没有儿童专场？", "ask-key-00000002");

        Assert.True(asked.Ok, asked.Message);
        Assert.Equal((QuestionState.Submitted, "夜读季 会延长开放时间吗？"), (asked.Question!.State, asked.Question.Text));
        Assert.True(resent.Replay);
        Assert.Equal(asked.Question.Id, resent.Question!.Id);
        Assert.Equal((0, 2), (second.Results!.ApprovedQuestions, second.Results.PendingQuestions));

        var forbidden = await interaction.ModerateAsync(asked.Question.Id, QuestionCommandType.Approve, Outsider, "mod-1");
        Assert.Equal(InteractionOutcome.Forbidden, forbidden.Outcome);

        var approved = await interaction.ModerateAsync(asked.Question.Id, QuestionCommandType.Approve, Moderator, "mod-2");
        var rejected = await interaction.ModerateAsync(second.Question!.Id, QuestionCommandType.Reject, Moderator, "mod-3");
        var rejectApproved = await interaction.ModerateAsync(asked.Question.Id, QuestionCommandType.Reject, Moderator, "mod-4");
        var unknown = await interaction.ModerateAsync("q999", QuestionCommandType.Approve, Moderator, "mod-5");

        Assert.Equal((QuestionState.Approved, Staff.Chief.Name), (approved.Question!.State, approved.Question.DecidedBy));
        Assert.Equal(QuestionState.Rejected, rejected.Question!.State);
        Assert.Equal(InteractionOutcome.IllegalMove, rejectApproved.Outcome);
        Assert.Equal(InteractionOutcome.NotFound, unknown.Outcome);
        var view = (await interaction.GetAsync())!;
        Assert.Equal([QuestionState.Approved, QuestionState.Rejected], view.Questions.Select(q => q.State));
        Assert.Equal((1, 0), (view.Results.ApprovedQuestions, view.Results.PendingQuestions));

        var clock = Stopwatch.StartNew();
        while (ClusterFixture.Interactions.QuestionsOf(story.GetPrimaryKeyString()).Count(q => q.State != QuestionState.Submitted) < 2
            && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.Equal([QuestionState.Approved, QuestionState.Rejected], ClusterFixture.Interactions.QuestionsOf(story.GetPrimaryKeyString()).Select(q => q.State));
    }

    [Fact]
    public async Task A_question_must_be_plain_text_of_at_most_three_hundred_characters_and_a_poll_takes_none()
    {
        var qna = Of(await StoryAsync(InteractionType.QnA));
        var poll = Of(await StoryAsync());

        var blank = await qna.AskAsync(Device(), " \t\u0007 ", "blank-key-000001");
        var tooLong = await qna.AskAsync(Device(), new string('问', InteractionLimits.MaxQuestion + 1), "long-key-0000001");
        var fits = await qna.AskAsync(Device(), "<b>加粗</b>\u0000" + new string('问', 10), "fits-key-0000001");
        var toPoll = await poll.AskAsync(Device(), "可以提问吗？", "poll-key-0000001");

        Assert.Equal(InteractionOutcome.TooLong, blank.Outcome);
        Assert.Equal(InteractionOutcome.TooLong, tooLong.Outcome);
        Assert.Contains("300", Text.En(tooLong.Message), StringComparison.Ordinal);
        Assert.True(fits.Ok, fits.Message);
        // Kept as the text typed (shown as text, never as markup); control characters are gone.
        Assert.Equal("<b>加粗</b>" + new string('问', 10), fits.Question!.Text);
        Assert.Equal(InteractionOutcome.NotInteractive, toPoll.Outcome);
    }

    [Fact]
    public void The_question_table_lets_the_public_ask_and_only_moderators_decide_a_submitted_question()
    {
        var table = QuestionWorkflow.Table;
        Assert.Equal(QuestionState.Submitted, table.Find(null, QuestionCommandType.Ask)!.To);
        Assert.True(table.Find(null, QuestionCommandType.Ask)!.AllowsAny(InteractionRole.Public));
        foreach (var command in new[] { QuestionCommandType.Approve, QuestionCommandType.Reject })
        {
            var move = table.Find(QuestionState.Submitted, command)!;
            Assert.True(move.AllowsAny(InteractionRole.Moderator));
            Assert.False(move.AllowsAny(InteractionRole.Public));
            Assert.Null(table.Find(QuestionState.Approved, command));
            Assert.Null(table.Find(QuestionState.Rejected, command));
        }
    }
}
