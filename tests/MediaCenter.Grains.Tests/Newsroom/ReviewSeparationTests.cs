using MediaCenter.Grains.Newsroom;
using Orleans.Core.Internal;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>
/// 三审 means three different people (issue 15 item 7): whoever wrote a story never approves it, and one person
/// approves at most one review level of a story. Each refusal is Forbidden with its reason and changes nothing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReviewSeparationTests(ClusterFixture fixture)
{
    private static ArticleCommand Approve => new ArticleCommand.Approve { Comment = "通过" };

    private Task<Desk> DeskAsync(int reviewLevels) => Desk.Fresh(fixture.Grains, "sod").WithPolicyAsync(reviewLevels);

    private static async Task AssertRefusedAsync(IArticleGrain story, NewsroomActor actor, string reason)
    {
        var before = await Desk.ViewAsync(story);

        var result = await Desk.RunAsync(story, Approve, actor);

        Assert.Equal(CommandOutcome.Forbidden, result.Outcome);
        Assert.Contains(reason, Text.En(result.Message), StringComparison.Ordinal);
        var after = await Desk.ViewAsync(story);
        Assert.Equal((before.Card.Stage, before.Card.ReviewLevel, before.Card.Version), (after.Card.Stage, after.Card.ReviewLevel, after.Card.Version));
    }

    [Fact]
    public async Task The_author_never_approves_their_own_story_even_holding_the_review_level()
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(ArticleStage.InReview);

        await AssertRefusedAsync(story, Staff.Author with { ReviewLevels = [1, 2, 3] }, "The author or a writer of a story never approves it.");

        Assert.Equal(2, (await Desk.MustAsync(story, Approve, Staff.Reviewer(1))).ReviewLevel);
    }

    [Fact]
    public async Task An_assignee_never_approves_a_story_assigned_to_them_even_one_who_wrote_nothing()
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(ArticleStage.InReview, reviewLevel: 2);

        // CoWriter is assigned but did not save the draft (Writer did).
        await AssertRefusedAsync(story, Staff.CoWriter with { ReviewLevels = [2] }, "The author or a writer of a story never approves it.");
        await AssertRefusedAsync(story, Staff.Writer with { ReviewLevels = [2] }, "The author or a writer of a story never approves it.");
    }

    [Fact]
    public async Task An_editor_who_saved_a_draft_never_approves_it_after_being_taken_off_the_story()
    {
        var desk = await DeskAsync(1);
        var story = await desk.StoryInAsync(ArticleStage.Drafting);
        await Desk.MustAsync(story, new ArticleCommand.Assign { Assignees = [Staff.CoWriter.Person], DueAt = Desk.Now.AddDays(3) }, Staff.Chief);
        await Desk.MustAsync(story, new ArticleCommand.Submit(), Staff.CoWriter);

        await AssertRefusedAsync(story, Staff.Writer with { ReviewLevels = [1] }, "The author or a writer of a story never approves it.");
        Assert.Equal(ArticleStage.Approved, (await Desk.MustAsync(story, Approve, Staff.Reviewer(1))).Stage);
    }

    [Fact]
    public async Task The_timeline_lives_in_the_log_and_who_wrote_and_who_approved_are_remembered_when_the_story_wakes_again()
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(ArticleStage.InReview);
        var twoLevels = Staff.Reviewer(1) with { ReviewLevels = [1, 3] };
        Assert.Equal(2, (await Desk.MustAsync(story, Approve, twoLevels)).ReviewLevel);
        var moves = (await Desk.ViewAsync(story)).History;

        // The state keeps what the log may still be owed (the entry before and this one), not the timeline.
        Assert.Equal(3, (await Desk.MustAsync(story, Approve, Staff.Reviewer(2))).ReviewLevel);
        var written = HoldingGrainStorage.WrittenArticle(story.GetGrainId())!;
        Assert.Equal([moves[^1].Version, moves[^1].Version + 1], written.History.Select(h => h.Version).ToArray());

        await story.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var woken = await Desk.ViewAsync(story);
        Assert.Equal([.. moves.Select(m => m.Version), moves[^1].Version + 1], woken.History.Select(h => h.Version).ToArray());
        Assert.Equal(ArticleCommandType.Approve, woken.History[^1].Command);
        await AssertRefusedAsync(story, Staff.Writer with { ReviewLevels = [3] }, "The author or a writer of a story never approves it.");
        await AssertRefusedAsync(story, twoLevels, "you approved level 1 (first review), this is level 3 (final review)");
        Assert.Equal(ArticleStage.Approved, (await Desk.MustAsync(story, Approve, Staff.Reviewer(3))).Stage);
    }

    [Fact]
    public async Task A_reviewer_of_several_levels_approves_only_one_level_of_a_story()
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(ArticleStage.InReview);
        var allLevels = Staff.Reviewer(1) with { ReviewLevels = [1, 2, 3] };

        Assert.Equal(2, (await Desk.MustAsync(story, Approve, allLevels)).ReviewLevel);

        await AssertRefusedAsync(story, allLevels, "One person approves at most one review level of a story: you approved level 1 (first review)");
        Assert.Equal(3, (await Desk.MustAsync(story, Approve, Staff.Reviewer(2))).ReviewLevel);
        await AssertRefusedAsync(story, allLevels, "you approved level 1 (first review), this is level 3 (final review)");
        Assert.Equal(ArticleStage.Approved, (await Desk.MustAsync(story, Approve, Staff.Reviewer(3))).Stage);

        var approvers = (await Desk.ViewAsync(story)).History.Where(h => h.Command == ArticleCommandType.Approve).Select(h => h.Actor.Id).ToList();
        Assert.Equal(3, approvers.Distinct().Count());
    }

    [Fact]
    public async Task Holding_several_levels_a_reviewer_may_take_any_one_of_them()
    {
        var desk = await DeskAsync(2);
        var story = await desk.StoryInAsync(ArticleStage.InReview);
        var both = Staff.Reviewer(2) with { ReviewLevels = [1, 2] };

        await Desk.MustAsync(story, Approve, Staff.Reviewer(1));

        Assert.Equal(ArticleStage.Approved, (await Desk.MustAsync(story, Approve, both)).Stage);
    }

    [Fact]
    public async Task A_new_review_round_after_a_rejection_keeps_each_approver_to_the_level_they_approved_before()
    {
        var desk = await DeskAsync(2);
        var story = await desk.StoryInAsync(ArticleStage.InReview);
        var both = Staff.OtherEditor with { ReviewLevels = [1, 2] };
        await Desk.MustAsync(story, Approve, both);
        await Desk.MustAsync(story, new ArticleCommand.Reject { Comment = "补充出处" }, Staff.Reviewer(2));
        await Desk.MustAsync(story, new ArticleCommand.SaveDraft { Draft = Desk.TextDraft(body: "<p>补充了出处</p>"), BaseVersion = 1 }, Staff.Writer);
        await Desk.MustAsync(story, new ArticleCommand.Submit(), Staff.Writer);

        // The same level again is the same duty; the other level would be a second one.
        Assert.Equal(2, (await Desk.MustAsync(story, Approve, both)).ReviewLevel);
        await AssertRefusedAsync(story, both, "you approved level 1 (first review), this is level 2 (second review)");
        Assert.Equal(ArticleStage.Approved, (await Desk.MustAsync(story, Approve, Staff.Reviewer(2))).Stage);
    }

    [Fact]
    public async Task A_refusal_for_separation_of_duties_is_not_remembered_as_the_answer_to_its_operation_id()
    {
        var desk = await DeskAsync(1);
        var story = await desk.StoryInAsync(ArticleStage.InReview);

        var refused = await Desk.RunAsync(story, Approve, Staff.Writer with { ReviewLevels = [1] }, "approve-once");
        var other = await Desk.RunAsync(story, Approve, Staff.Reviewer(1), "approve-once");

        Assert.Equal(CommandOutcome.Forbidden, refused.Outcome);
        Assert.True(other.Ok, $"{other.Outcome} {other.Message}");
    }

    [Fact]
    public async Task Rejecting_is_not_restricted_a_writer_holding_the_level_may_send_their_story_back()
    {
        var desk = await DeskAsync(1);
        var story = await desk.StoryInAsync(ArticleStage.InReview);

        var rejected = await Desk.MustAsync(story, new ArticleCommand.Reject { Comment = "我发现一处错误" }, Staff.Writer with { ReviewLevels = [1] });

        Assert.Equal(ArticleStage.Rejected, rejected.Stage);
    }
}
