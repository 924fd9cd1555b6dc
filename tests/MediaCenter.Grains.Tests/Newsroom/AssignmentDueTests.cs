using MediaCenter.Grains.Newsroom;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>F6.3: an assignment passing its due time is announced by the server, once.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AssignmentDueTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_assignment_past_its_due_time_tells_its_assignees_and_the_chief_once()
    {
        var desk = await Desk.Fresh(fixture.Grains, "due").WithPolicyAsync(1);
        var story = await desk.StoryInAsync(ArticleStage.Confirmed);
        var due = Desk.Now.AddSeconds(1);
        await Desk.MustAsync(story, new ArticleCommand.Assign { Assignees = [Staff.Writer.Person, Staff.CoWriter.Person], DueAt = due }, Staff.Chief);
        Assert.NotEmpty(await RemindersOfAsync(story));
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));

        await UntilAsync(() => Task.FromResult(ClusterFixture.AlertCentre.NotificationsStartingWith($"article:{story.GetPrimaryKeyString()}:due:").Count >= 3));
        var told = ClusterFixture.AlertCentre.NotificationsStartingWith($"article:{story.GetPrimaryKeyString()}:due:");

        Assert.Equal(["chief:" + desk.Channel, "user:" + Staff.Writer.UserId.ToString("N"), "user:" + Staff.CoWriter.UserId.ToString("N")],
            told.Select(n => n.Audience));
        Assert.All(told, n => Assert.Equal("assignmentOverdue", n.Kind));
        Assert.All(told, n => Assert.Contains(Staff.Writer.Name, Text.En(n.Body), StringComparison.Ordinal));
        // Once per due time: the reminder is gone, and later work on the story (a reactivation's catch-up included) adds nothing.
        await UntilAsync(async () => (await RemindersOfAsync(story)).Count == 0);
        await Desk.MustAsync(story, desk.Valid(ArticleCommandType.SaveDraft), Staff.Writer);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(3, ClusterFixture.AlertCentre.NotificationsStartingWith($"article:{story.GetPrimaryKeyString()}:due:").Count);
        Assert.Empty(await RemindersOfAsync(story));
    }

    [Fact]
    public async Task An_assignment_handed_in_before_its_due_time_raises_no_reminder()
    {
        var desk = await Desk.Fresh(fixture.Grains, "due").WithPolicyAsync(1);
        var story = await desk.StoryInAsync(ArticleStage.Confirmed);
        await Desk.MustAsync(story, new ArticleCommand.Assign { Assignees = [Staff.Writer.Person], DueAt = Desk.Now.AddSeconds(1) }, Staff.Chief);
        await Desk.MustAsync(story, desk.Valid(ArticleCommandType.SaveDraft), Staff.Writer);
        await Desk.MustAsync(story, desk.Valid(ArticleCommandType.Submit), Staff.Writer);

        Assert.Empty(await RemindersOfAsync(story));
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Empty(ClusterFixture.AlertCentre.NotificationsStartingWith($"article:{story.GetPrimaryKeyString()}:due:"));
    }

    private static async Task UntilAsync(Func<Task<bool>> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, "not within 15 s");
            await Task.Delay(100);
        }
    }

    private async Task<IReadOnlyList<ReminderEntry>> RemindersOfAsync(IArticleGrain story)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var table = silo.SiloHost.Services.GetRequiredService<IReminderTable>();
        return [.. (await table.ReadRows(story.GetGrainId())).Reminders];
    }
}
