using MediaCenter.Grains.Intake;
using MediaCenter.Grains.Newsroom;
using Orleans.Core.Internal;

namespace MediaCenter.Grains.Tests.Intake;

/// <summary>A pasted reprint request: answered before the page loads, ended once, and resumed after a fault or a lost activation.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReprintRequestTests(ClusterFixture fixture)
{
    private static readonly NewsroomActor Editor = new(new Guid("c1000000-0000-0000-0000-000000000012"), "编辑丙", false, true, []);
    private static readonly NewsroomActor Reviewer = new(new Guid("c1000000-0000-0000-0000-000000000013"), "审核丁", false, false, []);

    private IReprintRequestGrain Request(string channel, string operation) =>
        fixture.Grains.GetGrain<IReprintRequestGrain>($"{channel}/{ReprintRequestKeys.For(channel, operation)}");

    [Fact]
    public async Task A_request_is_answered_fetching_before_the_page_loads_a_repeat_is_the_same_request_and_it_ends_failed_with_the_reason()
    {
        var channel = "rq-" + Guid.NewGuid().ToString("N")[..6];
        var url = $"http://slow.test/{channel}/a.html";
        var gate = ClusterFixture.WebIntake.HoldArticle(url);
        var request = Request(channel, "op-1");

        var started = await request.StartAsync(new ReprintRequest(channel, url, ReprintMode.Pitch), Editor, "op-1").WaitAsync(TimeSpan.FromSeconds(5));
        var repeat = await request.StartAsync(new ReprintRequest(channel, url, ReprintMode.Pitch), Editor, "op-1").WaitAsync(TimeSpan.FromSeconds(5));
        var during = await request.GetAsync().WaitAsync(TimeSpan.FromSeconds(5));
        var byReviewer = await Request(channel, "op-2").StartAsync(new ReprintRequest(channel, url, ReprintMode.Pitch), Reviewer, "op-2");
        var draftByEditor = await Request(channel, "op-3").StartAsync(new ReprintRequest(channel, url, ReprintMode.Draft), Editor, "op-3");

        Assert.Equal((ReprintRequestState.Fetching, url, Editor.UserId), (started.Request!.State, started.Request.Url, started.Request.RequestedBy.Id));
        Assert.Equal(started.Request, repeat.Request);
        Assert.Equal(ReprintRequestState.Fetching, during!.State);
        Assert.Equal((ReprintOutcome.Forbidden, ReprintOutcome.Forbidden), (byReviewer.Refusal!.Outcome, draftByEditor.Refusal!.Outcome));
        Assert.Null(await Request(channel, "op-2").GetAsync());

        gate.SetResult();
        var ended = await UntilAsync(request.GetAsync, r => r!.State != ReprintRequestState.Fetching);
        Assert.Equal((ReprintRequestState.Failed, ReprintOutcome.Unreachable), (ended!.State, ended.Outcome));
        Assert.False(string.IsNullOrEmpty(ended.Reason));
        Assert.Null(ended.ArticleId);
        Assert.Equal(2, ended.Version);
        Assert.Equal(ended, (await request.StartAsync(new ReprintRequest(channel, url, ReprintMode.Pitch), Editor, "op-1")).Request);
    }

    [Fact]
    public async Task A_fetch_cut_by_a_fault_resumes_from_the_reminder_even_after_the_activation_is_gone_and_one_that_keeps_failing_ends_timed_out()
    {
        var channel = "rr-" + Guid.NewGuid().ToString("N")[..6];
        var once = $"http://flaky.test/{channel}/a.html";
        var always = $"http://flaky.test/{channel}/b.html";
        ClusterFixture.WebIntake.FaultArticle(once, 1);
        ClusterFixture.WebIntake.FaultArticle(always, 1000);

        var resumed = Request(channel, "op-a");
        var failing = Request(channel, "op-b");
        Assert.NotNull((await resumed.StartAsync(new ReprintRequest(channel, once, ReprintMode.Pitch), Editor, "op-a")).Request);
        Assert.NotNull((await failing.StartAsync(new ReprintRequest(channel, always, ReprintMode.Pitch), Editor, "op-b")).Request);
        await UntilAsync(() => Task.FromResult(ClusterFixture.WebIntake.ArticleFetches.Count(f => f == always)), n => n >= 1);
        // The activation goes away mid-way, as on a silo loss: the stored request and its reminder bring it back.
        await failing.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var second = await UntilAsync(resumed.GetAsync, r => r!.State != ReprintRequestState.Fetching);
        Assert.Equal((ReprintRequestState.Failed, ReprintOutcome.Unreachable), (second!.State, second.Outcome));
        Assert.Equal(2, ClusterFixture.WebIntake.ArticleFetches.Count(f => f == once));

        var gaveUp = await UntilAsync(failing.GetAsync, r => r!.State != ReprintRequestState.Fetching);
        Assert.Equal((ReprintRequestState.Failed, ReprintOutcome.TimedOut), (gaveUp!.State, gaveUp.Outcome));
        Assert.Equal(ReprintRequestGrain.MaxAttempts, ClusterFixture.WebIntake.ArticleFetches.Count(f => f == always));
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
