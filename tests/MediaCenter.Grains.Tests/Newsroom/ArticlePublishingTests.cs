using System.Diagnostics;
using MediaCenter.Grains.Newsroom;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>Publishing to targets, suspension, withdrawal, the feeds' table, and scheduled publishing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ArticlePublishingTests(ClusterFixture fixture)
{
    private static readonly ArticleCommand.Publish Publish = new();

    private Task<Desk> DeskAsync(params PublishTarget[] targets) => Desk.Fresh(fixture.Grains, "pub").WithPolicyAsync(1, targets);

    [Fact]
    public async Task Publishing_to_a_target_the_channel_does_not_enable_is_invalid()
    {
        var desk = await DeskAsync(PublishTarget.Pc, PublishTarget.App);
        var story = await desk.StoryInAsync(ArticleStage.Approved);
        var before = await Desk.ViewAsync(story);

        var refused = await Desk.RunAsync(story, Publish with { Targets = [PublishTarget.Pc, PublishTarget.Wap] }, Staff.Chief);
        var scheduled = await Desk.RunAsync(story, new ArticleCommand.Schedule { At = Desk.Now.AddHours(1), Targets = [PublishTarget.Wap] }, Staff.Chief);

        Assert.Equal(CommandOutcome.Invalid, refused.Outcome);
        Assert.Contains("Mobile web", Text.En(refused.Message), StringComparison.Ordinal);
        Assert.Contains("手机网站", Text.Zh(refused.Message), StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Invalid, scheduled.Outcome);
        var after = await Desk.ViewAsync(story);
        Assert.Equal((ArticleStage.Approved, before.Card.Version), (after.Card.Stage, after.Card.Version));

        // Without targets it publishes to every target the channel enables, and only those.
        var published = await Desk.MustAsync(story, Publish, Staff.Chief);
        Assert.Equal([PublishTarget.Pc, PublishTarget.App], published.Targets.Select(t => t.Target));
    }

    [Fact]
    public async Task A_suspended_channel_refuses_publishing_until_it_is_reopened()
    {
        var desk = await DeskAsync();
        var story = await desk.StoryInAsync(ArticleStage.Approved);
        var before = await Desk.ViewAsync(story);

        var policy = await desk.ChannelGrain.SetSuspendedAsync(true, "重大活动保障期间暂停对外发布", "suspend-1");
        Assert.True(policy.Suspended);
        var refused = await Desk.RunAsync(story, Publish, Staff.Chief);
        var scheduled = await Desk.RunAsync(story, new ArticleCommand.Schedule { At = Desk.Now.AddHours(1) }, Staff.Chief);

        Assert.Equal(CommandOutcome.ChannelSuspended, refused.Outcome);
        Assert.Contains("重大活动保障期间暂停对外发布", Text.En(refused.Message), StringComparison.Ordinal);
        Assert.Equal(ArticleStage.Approved, refused.Stage);
        Assert.Equal(CommandOutcome.ChannelSuspended, scheduled.Outcome);
        var held = await Desk.ViewAsync(story);
        Assert.Equal((ArticleStage.Approved, before.Card.Version), (held.Card.Stage, held.Card.Version));
        Assert.NotEqual(ArticleStage.Published, ClusterFixture.Newsroom.ProjectionOf(story.GetPrimaryKeyString())?.Card.Stage);

        Assert.False((await desk.ChannelGrain.SetSuspendedAsync(false, null, "reopen-1")).Suspended);
        var publishedAt = Desk.Now;
        var published = await Desk.MustAsync(story, Publish, Staff.Chief);

        Assert.Equal(ArticleStage.Published, published.Stage);
        Assert.Equal([PublishTarget.Pc, PublishTarget.Wap, PublishTarget.App], published.Targets.Select(t => t.Target));
        Assert.All(published.Targets, t => Assert.Equal((publishedAt, (DateTimeOffset?)null), (t.PublishedAt, t.WithdrawnAt)));
        var feed = ClusterFixture.Newsroom.ProjectionOf(story.GetPrimaryKeyString());
        Assert.NotNull(feed);
        Assert.Equal((ArticleStage.Published, published.Version, 3), (feed.Card.Stage, feed.Card.Version, feed.Card.Targets.Count));
        Assert.NotNull(feed.Draft);
    }

    [Fact]
    public async Task A_publication_reaches_the_feeds_once_and_its_follow_up_writes_only_the_event()
    {
        var desk = await DeskAsync();
        var story = await desk.StoryInAsync(ArticleStage.Approved);
        var id = story.GetPrimaryKeyString();

        var published = await Desk.MustAsync(story, Publish, Staff.Chief);
        await Desk.EventuallyAsync(story, _ => ClusterFixture.Newsroom.EventsOf(id).Any(e => e.Version == published.Version));

        // Projected before the answer; the follow-up logged the event and left the rows it had already written alone.
        Assert.Equal(1, ClusterFixture.Newsroom.ProjectionsOf(id, published.Version));
        Assert.Equal((ArticleStage.Published, published.Version), (ClusterFixture.Newsroom.ProjectionOf(id)!.Card.Stage, ClusterFixture.Newsroom.ProjectionOf(id)!.Card.Version));

        // Withdrawing also reaches the feeds before its answer, and also once.
        var withdrawn = await Desk.MustAsync(story, new ArticleCommand.Withdraw { Comment = "撤稿" }, Staff.Chief);
        await Desk.EventuallyAsync(story, _ => ClusterFixture.Newsroom.EventsOf(id).Any(e => e.Version == withdrawn.Version));
        Assert.Equal(1, ClusterFixture.Newsroom.ProjectionsOf(id, withdrawn.Version));
        Assert.Equal(withdrawn.Version, ClusterFixture.Newsroom.ProjectionOf(id)!.Card.Version);
    }

    [Fact]
    public async Task Publishing_to_chosen_targets_keeps_a_state_per_target()
    {
        var desk = await DeskAsync();
        var story = await desk.StoryInAsync(ArticleStage.Approved);

        var published = await Desk.MustAsync(story, Publish with { Targets = [PublishTarget.App, PublishTarget.Pc, PublishTarget.App] }, Staff.Chief);

        Assert.Equal([PublishTarget.Pc, PublishTarget.App], published.Targets.Select(t => t.Target));
        Assert.All(published.Targets, t => Assert.Null(t.WithdrawnAt));
    }

    [Fact]
    public async Task Withdrawing_marks_every_target_withdrawn_in_the_story_and_in_the_feeds()
    {
        var desk = await DeskAsync();
        var story = await desk.StoryInAsync(ArticleStage.Published);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(5));
        var withdrawnAt = Desk.Now;

        var withdrawn = await Desk.MustAsync(story, new ArticleCommand.Withdraw { Comment = "数据有误" }, Staff.Chief);

        Assert.Equal(ArticleStage.Withdrawn, withdrawn.Stage);
        Assert.Equal("数据有误", withdrawn.LastComment);
        Assert.Equal(3, withdrawn.Targets.Count);
        Assert.All(withdrawn.Targets, t => Assert.Equal(withdrawnAt, t.WithdrawnAt));
        Assert.All(withdrawn.Targets, t => Assert.True(t.PublishedAt < withdrawnAt));
        var feed = ClusterFixture.Newsroom.ProjectionOf(story.GetPrimaryKeyString());
        Assert.NotNull(feed);
        Assert.Equal((ArticleStage.Withdrawn, withdrawn.Version), (feed.Card.Stage, feed.Card.Version));
        Assert.All(feed.Card.Targets, t => Assert.Equal(withdrawnAt, t.WithdrawnAt));
    }

    [Fact]
    public async Task A_publish_the_feeds_cannot_record_is_not_acknowledged_and_the_story_stays_approved()
    {
        var desk = await DeskAsync();
        var story = await desk.StoryInAsync(ArticleStage.Approved);
        var id = story.GetPrimaryKeyString();
        var before = await Desk.ViewAsync(story);

        var acknowledged = await PublishWhileTheFeedsFailAsync(story, "publish-feeds-down");

        Assert.False(acknowledged, "the publish was acknowledged although the feeds' table was not written");
        Assert.NotEqual(ArticleStage.Published, ClusterFixture.Newsroom.ProjectionOf(id)?.Card.Stage);
        var after = await Desk.ViewAsync(story);
        Assert.Equal(ArticleStage.Approved, after.Card.Stage);
        Assert.Equal(before.Card.Version, after.Card.Version);
        Assert.Equal(before.History.Count, after.History.Count);
        Assert.Empty(after.Card.Targets);
    }

    [Fact]
    public async Task A_publish_retried_after_the_feeds_failed_reaches_the_feeds_before_it_is_acknowledged()
    {
        var desk = await DeskAsync();
        var story = await desk.StoryInAsync(ArticleStage.Approved);
        var id = story.GetPrimaryKeyString();
        Assert.False(await PublishWhileTheFeedsFailAsync(story, "publish-retried"));

        // The client retries with the same operation id once the database is back.
        var retry = await Desk.RunAsync(story, Publish, Staff.Chief, "publish-retried");

        Assert.True(retry.Ok, $"{retry.Outcome} {retry.Message}");
        var feed = ClusterFixture.Newsroom.ProjectionOf(id);
        Assert.NotNull(feed);
        Assert.Equal((ArticleStage.Published, retry.Card!.Version), (feed.Card.Stage, feed.Card.Version));
    }

    [Fact]
    public async Task A_scheduled_story_publishes_by_itself_when_its_time_comes()
    {
        var desk = await DeskAsync(PublishTarget.Pc, PublishTarget.Wap);
        var story = await desk.StoryInAsync(ArticleStage.Approved);
        var at = Desk.Now.AddSeconds(1);

        var scheduled = await Desk.MustAsync(story, new ArticleCommand.Schedule { At = at, Targets = [PublishTarget.Wap] }, Staff.Chief);
        Assert.Equal((ArticleStage.Scheduled, (DateTimeOffset?)at), (scheduled.Stage, scheduled.ScheduledAt));
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));

        var view = await Desk.EventuallyAsync(story, v => v.Card.Stage == ArticleStage.Published);

        Assert.Equal(ArticleStage.Published, view.Card.Stage);
        Assert.Null(view.Card.ScheduledAt);
        var target = Assert.Single(view.Card.Targets);
        Assert.Equal(PublishTarget.Wap, target.Target);
        Assert.True(target.PublishedAt >= at);
        var fired = view.History[^1];
        Assert.Equal((ArticleCommandType.FireSchedule, NewsroomActor.System.Person), (fired.Command, fired.Actor));
        Assert.Equal(ArticleStage.Published, ClusterFixture.Newsroom.ProjectionOf(story.GetPrimaryKeyString())?.Card.Stage);
        Assert.Empty(await RemindersOfAsync(story));
    }

    [Fact]
    public async Task A_cancelled_schedule_goes_back_to_approved_and_never_publishes()
    {
        var desk = await DeskAsync();
        var story = await desk.StoryInAsync(ArticleStage.Approved);
        var at = Desk.Now.AddSeconds(1);
        await Desk.MustAsync(story, new ArticleCommand.Schedule { At = at }, Staff.Chief);
        Assert.NotEmpty(await RemindersOfAsync(story));
        var scheduledAt = Stopwatch.StartNew();

        var cancelled = await Desk.MustAsync(story, new ArticleCommand.CancelSchedule(), Staff.Chief);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((ArticleStage.Approved, (DateTimeOffset?)null), (cancelled.Stage, cancelled.ScheduledAt));
        Assert.Empty(await RemindersOfAsync(story));
        // Past the moment the reminder would have fired (1 s after scheduling), it is still approved.
        var view = await Desk.EventuallyAsync(story, v => v.Card.Stage != ArticleStage.Approved, TimeSpan.FromSeconds(1.5) - scheduledAt.Elapsed);
        Assert.Equal(ArticleStage.Approved, view.Card.Stage);
        Assert.Empty(view.Card.Targets);
        Assert.DoesNotContain(view.History, h => h.Command == ArticleCommandType.FireSchedule);
    }

    /// <summary>Publishes while projections fail; true when the command was acknowledged (Applied).</summary>
    private static async Task<bool> PublishWhileTheFeedsFailAsync(IArticleGrain story, string operationId)
    {
        ClusterFixture.Newsroom.FailProjections = true;
        try
        {
            var result = await Desk.RunAsync(story, Publish, Staff.Chief, operationId);
            return result.Ok;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            ClusterFixture.Newsroom.FailProjections = false;
        }
    }

    private async Task<IReadOnlyList<ReminderEntry>> RemindersOfAsync(IArticleGrain story)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var table = silo.SiloHost.Services.GetRequiredService<IReminderTable>();
        return [.. (await table.ReadRows(story.GetGrainId())).Reminders];
    }
}
