using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>Review levels (初审, 复审, 终审) as the channel's policy sets them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ArticleReviewTests(ClusterFixture fixture)
{
    private Task<Desk> DeskAsync(int reviewLevels) => Desk.Fresh(fixture.Grains, "rv").WithPolicyAsync(reviewLevels);

    private static ArticleCommand Approve => new ArticleCommand.Approve { Comment = "通过" };

    [Fact]
    public async Task Three_levels_approve_in_order_each_only_by_its_own_reviewers()
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(ArticleStage.InReview);
        Assert.Equal((1, 3), ((await Desk.ViewAsync(story)).Card.ReviewLevel, (await Desk.ViewAsync(story)).Card.ReviewLevels));

        for (var level = 1; level <= 3; level++)
        {
            foreach (var other in new[] { 1, 2, 3 }.Where(l => l != level))
            {
                var wrong = await Desk.RunAsync(story, Approve, Staff.Reviewer(other));
                Assert.Equal(CommandOutcome.Forbidden, wrong.Outcome);
                Assert.Equal(level, wrong.Card!.ReviewLevel);
                Assert.Contains(Text.En(ArticleWorkflow.LevelName(level)), Text.En(wrong.Message), StringComparison.Ordinal);
            }

            Assert.Equal(CommandOutcome.Forbidden, (await Desk.RunAsync(story, Approve, Staff.Chief)).Outcome);
            var card = await Desk.MustAsync(story, Approve, Staff.Reviewer(level));
            if (level < 3)
            {
                Assert.Equal((ArticleStage.InReview, level + 1), (card.Stage, card.ReviewLevel));
            }
            else
            {
                Assert.Equal((ArticleStage.Approved, 0), (card.Stage, card.ReviewLevel));
            }
        }

        var history = (await Desk.ViewAsync(story)).History;
        Assert.Equal([Staff.Reviewer(1).Person, Staff.Reviewer(2).Person, Staff.Reviewer(3).Person],
            history.Where(h => h.Command == ArticleCommandType.Approve).Select(h => h.Actor));
    }

    [Fact]
    public async Task A_story_hands_its_journal_the_move_before_each_entry_and_who_was_assigned_before_so_the_log_is_not_read()
    {
        var desk = await DeskAsync(2);
        var story = await desk.StoryInAsync(ArticleStage.Assigned);
        await Desk.MustAsync(story, new ArticleCommand.Assign { Assignees = [Staff.OtherEditor.Person], DueAt = Desk.Now.AddDays(3) }, Staff.Chief);
        await Desk.MustAsync(story, desk.Valid(ArticleCommandType.SaveDraft), Staff.OtherEditor);
        await Desk.MustAsync(story, desk.Valid(ArticleCommandType.Submit), Staff.OtherEditor);
        await Desk.MustAsync(story, Approve, Staff.Reviewer(1));
        await Desk.MustAsync(story, Approve, Staff.Reviewer(2));
        var id = story.GetPrimaryKeyString();
        // The log is written after the answer.
        await Desk.EventuallyAsync(story, _ => ClusterFixture.Newsroom.OwedOf(id).Any(o => o.Entry.Version == 8));
        var owed = ClusterFixture.Newsroom.OwedOf(id);

        // Every entry after the first came with the one before it; the reassignment with the writers it took the story from.
        Assert.Equal(Enumerable.Range(1, 8).Select(v => (long)v), owed.Select(o => o.Entry.Version));
        Assert.All(owed.Skip(1), o => Assert.Equal(o.Entry.Version - 1, o.Previous?.Version));
        var assignments = owed.Where(o => o.Entry.Command == ArticleCommandType.Assign).ToList();
        Assert.Equal(2, assignments.Count);
        Assert.Empty(assignments[0].AssigneesBefore!);
        Assert.Equal([Staff.Writer.Person, Staff.CoWriter.Person], assignments[1].AssigneesBefore);
        Assert.All(owed.Where(o => o.Entry.Command != ArticleCommandType.Assign), o => Assert.Null(o.AssigneesBefore));
        var reviews = owed.Where(o => o.Entry.Command == ArticleCommandType.Approve).ToList();
        Assert.Equal([ArticleCommandType.Submit, ArticleCommandType.Approve], reviews.Select(o => o.Previous!.Command));
    }

    [Fact]
    public async Task A_reviewer_of_several_levels_approves_one_of_them_and_another_reviewer_the_next()
    {
        var desk = await DeskAsync(2);
        var story = await desk.StoryInAsync(ArticleStage.InReview);
        var both = Staff.Reviewer(1) with { ReviewLevels = [1, 2] };

        Assert.Equal(2, (await Desk.MustAsync(story, Approve, both)).ReviewLevel);
        // 三审 means different people: the second level is someone else's (ReviewSeparationTests covers the rule).
        Assert.Equal(CommandOutcome.Forbidden, (await Desk.RunAsync(story, Approve, both)).Outcome);
        Assert.Equal(ArticleStage.Approved, (await Desk.MustAsync(story, Approve, Staff.Reviewer(2))).Stage);
    }

    [Fact]
    public async Task A_reject_at_level_two_goes_back_to_its_editors_with_the_comment_and_a_resubmit_starts_at_level_one()
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(ArticleStage.InReview, reviewLevel: 2);
        var at = Desk.Now;

        var rejected = await Desk.MustAsync(story, new ArticleCommand.Reject { Comment = "  第三段数据来源不清，请补充出处  " }, Staff.Reviewer(2));

        Assert.Equal(ArticleStage.Rejected, rejected.Stage);
        Assert.Equal("第三段数据来源不清，请补充出处", rejected.LastComment);
        var view = await Desk.ViewAsync(story);
        Assert.Equal("第三段数据来源不清，请补充出处", view.Card.LastComment);
        var entry = view.History[^1];
        Assert.Equal(ArticleCommandType.Reject, entry.Command);
        Assert.Equal(Staff.Reviewer(2).Person, entry.Actor);
        Assert.Equal(at, entry.At);
        Assert.Equal("第三段数据来源不清，请补充出处", entry.Comment);
        Assert.Equal((ArticleStage.InReview, ArticleStage.Rejected), (entry.From, entry.To));
        var logged = ClusterFixture.Newsroom.EventsOf(story.GetPrimaryKeyString())[^1];
        Assert.Equal((ArticleCommandType.Reject, "第三段数据来源不清，请补充出处"), (logged.Command, logged.Comment));

        // Back with its editors: the level-2 reviewer can no longer act, an assignee revises and resubmits.
        Assert.Equal(CommandOutcome.Forbidden, (await Desk.RunAsync(story, new ArticleCommand.Submit(), Staff.Reviewer(2))).Outcome);
        await Desk.MustAsync(story, new ArticleCommand.SaveDraft { Draft = Desk.TextDraft(body: "<p>补充了出处</p>"), BaseVersion = 1 }, Staff.CoWriter);
        var resubmitted = await Desk.MustAsync(story, new ArticleCommand.Submit(), Staff.CoWriter);

        Assert.Equal((ArticleStage.InReview, 1, 3), (resubmitted.Stage, resubmitted.ReviewLevel, resubmitted.ReviewLevels));
        Assert.Equal(CommandOutcome.Forbidden, (await Desk.RunAsync(story, Approve, Staff.Reviewer(2))).Outcome);
        Assert.Equal(2, (await Desk.MustAsync(story, Approve, Staff.Reviewer(1))).ReviewLevel);

        // The rejection stays in the timeline.
        var kept = (await Desk.ViewAsync(story)).History.Single(h => h.Command == ArticleCommandType.Reject);
        Assert.Equal((Staff.Reviewer(2).Person, at, "第三段数据来源不清，请补充出处"), (kept.Actor, kept.At, kept.Comment));
    }

    [Fact]
    public async Task With_one_level_a_single_approval_approves_the_story()
    {
        var desk = await DeskAsync(1);
        var story = await desk.StoryInAsync(ArticleStage.InReview);
        Assert.Equal(1, (await Desk.ViewAsync(story)).Card.ReviewLevels);
        Assert.Equal(CommandOutcome.Forbidden, (await Desk.RunAsync(story, Approve, Staff.Reviewer(2))).Outcome);

        var card = await Desk.MustAsync(story, Approve, Staff.Reviewer(1));

        Assert.Equal((ArticleStage.Approved, 0), (card.Stage, card.ReviewLevel));
    }

    [Fact]
    public async Task The_levels_of_a_story_are_those_of_the_channel_when_it_was_submitted()
    {
        var desk = await DeskAsync(2);
        var story = await desk.StoryInAsync(ArticleStage.InReview);

        await desk.WithPolicyAsync(1);

        var card = await Desk.MustAsync(story, Approve, Staff.Reviewer(1));
        Assert.Equal((ArticleStage.InReview, 2, 2), (card.Stage, card.ReviewLevel, card.ReviewLevels));
        Assert.Equal(ArticleStage.Approved, (await Desk.MustAsync(story, Approve, Staff.Reviewer(2))).Stage);
    }
}
