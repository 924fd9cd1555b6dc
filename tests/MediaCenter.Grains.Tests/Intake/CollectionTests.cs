using MediaCenter.Grains.Intake;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Intake;

/// <summary>Feed sources (polling, validators, back-off) and the collection inbox (de-duplication, take and dismiss by the table).</summary>
[Collection(ClusterCollection.Name)]
public sealed class CollectionTests(ClusterFixture fixture)
{
    private static readonly Person Owner = new(new Guid("c1000000-0000-0000-0000-000000000001"), "主编甲");
    private static readonly NewsroomActor Editor = new(new Guid("c1000000-0000-0000-0000-000000000002"), "编辑乙", false, true, []);
    private static readonly NewsroomActor Reviewer = new(new Guid("c1000000-0000-0000-0000-000000000003"), "审核丙", false, false, [1]);

    private static FeedEntry Entry(string id, string title, string summary) => new(id, title, "/news/" + id, summary, null, null);

    private async Task<IFeedSourceGrain> SourceAsync(string channel, string id, string url, TimeSpan interval)
    {
        var source = fixture.Grains.GetGrain<IFeedSourceGrain>($"{channel}/{id}");
        var added = await source.ExecuteAsync(new FeedSourceCommand(FeedSourceCommandType.Add, channel, new FeedSourceSettings(id, url, interval, Owner)),
            CollectionRole.Manager, "add-" + id);
        Assert.True(added.Ok, added.Message);
        return source;
    }

    [Fact]
    public async Task The_same_story_from_two_bridges_reaches_the_inbox_once_and_says_it_also_came_from_the_second()
    {
        var channel = "dup-" + Guid.NewGuid().ToString("N")[..6];
        ClusterFixture.WebIntake.Script($"http://bridge-a.test/{channel}.xml", new FeedFetch(
            [Entry("wx-1", "市文化馆新馆开馆 首日接待市民八千人次", "十二月一日上午，市文化馆新馆在滨江大道正式开馆。"), Entry("wx-2", "冬季新增三十条定制公交线路", "全市将新增三十条定制公交线路。"),
             Entry("wx-2", "冬季新增三十条定制公交线路", "全市将新增三十条定制公交线路。")],
            false, "\"a1\"", null, null, null));
        ClusterFixture.WebIntake.Script($"http://bridge-b.test/{channel}.json", new FeedFetch(
            [Entry("https://b/p/1", "市文化馆新馆开馆  首日接待市民八千人次！", "十二月一日上午，市文化馆新馆在滨江大道正式开馆"), Entry("https://b/p/2", "博物馆推出冬季研学课程", "周末课程。")],
            false, null, null, null, null));
        var a = await SourceAsync(channel, "a", $"http://bridge-a.test/{channel}.xml", TimeSpan.FromMinutes(10));
        var b = await SourceAsync(channel, "b", $"http://bridge-b.test/{channel}.json", TimeSpan.FromMinutes(10));

        var afterA = await a.PollNowAsync();
        var afterB = await b.PollNowAsync();
        var again = await a.PollNowAsync();

        Assert.Equal((2, 1, 2), (afterA!.ItemsCollected, afterB!.ItemsCollected, again!.ItemsCollected));
        var inbox = await fixture.Grains.GetGrain<ICollectionInboxGrain>(channel).GetAsync();
        Assert.Equal(3, inbox.Items.Count);
        var shared = Assert.Single(inbox.Items, i => i.Title.StartsWith("市文化馆", StringComparison.Ordinal));
        Assert.Equal("a", shared.SourceId);
        Assert.Equal(["b"], shared.AlsoFrom);
        Assert.All(inbox.Items, i => Assert.Equal(CollectedItemState.New, i.State));
        Assert.Equal(["a", "b"], inbox.Sources.Select(s => s.Id));
    }

    [Fact]
    public async Task A_failing_feed_waits_twice_as_long_after_each_failure_shows_its_last_error_and_sends_its_validators_once_it_answers()
    {
        var channel = "bo-" + Guid.NewGuid().ToString("N")[..6];
        var url = $"http://bridge-c.test/{channel}.xml";
        var interval = TimeSpan.FromMinutes(10);
        ClusterFixture.WebIntake.Script(url,
            new FeedFetch([], false, null, null, FetchFailure.Unreachable, "HTTP 503"),
            new FeedFetch([], false, null, null, FetchFailure.TimedOut, "timeout"),
            new FeedFetch([Entry("c-1", "滨江步道夜间照明改造完成", "全长十二公里。")], false, "\"v1\"", "Tue, 01 Dec 2026 02:00:00 GMT", null, null),
            new FeedFetch([], true, "\"v1\"", "Tue, 01 Dec 2026 02:00:00 GMT", null, null));
        var source = await SourceAsync(channel, "c", url, interval);

        var waits = new List<TimeSpan>();
        var views = new List<FeedSourceView>();
        for (var i = 0; i < 4; i++)
        {
            var view = (await source.PollNowAsync())!;
            views.Add(view);
            waits.Add(view.NextPollAt!.Value - view.LastPolledAt!.Value);
        }

        Assert.Equal((1, "The feed answered HTTP 503."), (views[0].ConsecutiveFailures, Text.En(views[0].LastError)));
        Assert.Equal((2, "超时"), (views[1].ConsecutiveFailures, Text.Zh(views[1].LastError)));
        Assert.Equal(views[0].FailingSince, views[1].FailingSince);
        Assert.InRange(waits[0], interval * 2 * 0.9, interval * 2 * 1.1);
        Assert.InRange(waits[1], interval * 4 * 0.9, interval * 4 * 1.1);
        Assert.Equal((0, null, null), (views[2].ConsecutiveFailures, views[2].LastError, views[2].FailingSince));
        Assert.InRange(waits[2], interval * 0.9, interval * 1.1);
        Assert.Equal(1, views[3].ItemsCollected);
        var polls = ClusterFixture.WebIntake.PollsOf(url);
        Assert.Equal([(null, null), (null, null), (null, null), ("\"v1\"", "Tue, 01 Dec 2026 02:00:00 GMT")], polls.Select(p => (p.ETag, p.LastModified)));
        // Thirty failures in a row wait no longer than the ceiling of six hours.
        Assert.InRange(FeedSourceGrain.Delay(interval, 30), TimeSpan.FromHours(6) * 0.9, TimeSpan.FromHours(6) * 1.1);
    }

    [Fact]
    public async Task The_patrol_names_a_source_that_has_failed_for_more_than_a_day_and_not_one_that_failed_just_now()
    {
        var channel = "pt-" + Guid.NewGuid().ToString("N")[..6];
        var url = $"http://bridge-e.test/{channel}.xml";
        ClusterFixture.WebIntake.Script(url, new FeedFetch([], false, null, null, FetchFailure.Unreachable, "HTTP 502"));
        var source = await SourceAsync(channel, "e", url, TimeSpan.FromMinutes(10));
        var failed = (await source.PollNowAsync())!;

        var soon = await CollectionPatrol.CheckAsync(fixture.Grains, failed.FailingSince!.Value.AddHours(23));
        var later = await CollectionPatrol.CheckAsync(fixture.Grains, failed.FailingSince!.Value.AddHours(25));
        await source.ExecuteAsync(new FeedSourceCommand(FeedSourceCommandType.TurnOff, channel, null), CollectionRole.Manager, "off-e");
        var off = await CollectionPatrol.CheckAsync(fixture.Grains, failed.FailingSince!.Value.AddHours(25));

        Assert.DoesNotContain(channel, soon.Detail, StringComparison.Ordinal);
        Assert.Equal(PatrolStatus.Warning, later.Status);
        Assert.Contains($"{channel}/e (The feed answered HTTP 502.)", Text.En(later.Detail), StringComparison.Ordinal);
        Assert.Contains($"{channel}/e（对方返回 HTTP 502）", Text.Zh(later.Detail), StringComparison.Ordinal);
        Assert.DoesNotContain(channel, off.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_follow_their_table_a_source_turned_off_is_not_polled_and_bad_settings_are_refused()
    {
        var channel = "tb-" + Guid.NewGuid().ToString("N")[..6];
        var url = $"http://bridge-d.test/{channel}.xml";
        ClusterFixture.WebIntake.Script(url, new FeedFetch([], true, null, null, null, null));
        var source = await SourceAsync(channel, "d", url, TimeSpan.FromMinutes(5));

        var off = await source.ExecuteAsync(new FeedSourceCommand(FeedSourceCommandType.TurnOff, channel, null), CollectionRole.Manager, "off-1");
        var polled = await source.PollNowAsync();
        var offAgain = await source.ExecuteAsync(new FeedSourceCommand(FeedSourceCommandType.TurnOff, channel, null), CollectionRole.Manager, "off-2");
        var byEditor = await source.ExecuteAsync(new FeedSourceCommand(FeedSourceCommandType.TurnOn, channel, null), CollectionRole.Editor, "on-1");
        var tooOften = await fixture.Grains.GetGrain<IFeedSourceGrain>($"{channel}/e").ExecuteAsync(
            new FeedSourceCommand(FeedSourceCommandType.Add, channel, new FeedSourceSettings("e", url, TimeSpan.FromSeconds(10), Owner)), CollectionRole.Manager, "add-e");
        var otherChannel = await fixture.Grains.GetGrain<IFeedSourceGrain>($"{channel}/f").ExecuteAsync(
            new FeedSourceCommand(FeedSourceCommandType.Add, "elsewhere", new FeedSourceSettings("f", url, TimeSpan.FromMinutes(5), Owner)), CollectionRole.Manager, "add-f");

        Assert.Equal((CollectionOutcome.Applied, FeedSourceState.Off, (DateTimeOffset?)null), (off.Outcome, off.State, off.Source!.NextPollAt));
        Assert.Null(polled!.LastPolledAt);
        Assert.Empty(ClusterFixture.WebIntake.PollsOf(url));
        Assert.Equal(CollectionOutcome.IllegalMove, offAgain.Outcome);
        Assert.Equal(CollectionOutcome.Forbidden, byEditor.Outcome);
        Assert.Equal(CollectionOutcome.Invalid, tooOften.Outcome);
        Assert.Equal(CollectionOutcome.Invalid, otherChannel.Outcome);
    }

    [Fact]
    public async Task An_item_is_dismissed_once_by_an_editor_a_repeat_answers_the_first_result_and_other_roles_are_refused()
    {
        var channel = "dm-" + Guid.NewGuid().ToString("N")[..6];
        var inbox = fixture.Grains.GetGrain<ICollectionInboxGrain>(channel);
        Assert.Equal(1, await inbox.OfferAsync("s", "桥接", [new OfferedItem("x-1", "江城图书馆延长冬季开放时间", null, "每天开放至晚上九点。", null)]));
        var item = Assert.Single((await inbox.GetAsync()).Items);

        var byReviewer = await inbox.DismissAsync(item.Id, Reviewer, "d-0");
        var dismissed = await inbox.DismissAsync(item.Id, Editor, "d-1");
        var repeat = await inbox.DismissAsync(item.Id, Editor, "d-1");
        var again = await inbox.DismissAsync(item.Id, Editor, "d-2");
        var take = await inbox.TakeAsync(item.Id, ReprintMode.Pitch, Editor, "t-1");
        var missing = await inbox.DismissAsync("ci-nothing", Editor, "d-3");

        Assert.Equal(CollectionOutcome.Forbidden, byReviewer.Outcome);
        Assert.Equal((CollectionOutcome.Applied, CollectedItemState.Dismissed, Editor.UserId), (dismissed.Outcome, dismissed.Item!.State, dismissed.Item.HandledBy!.Id));
        Assert.Equal((dismissed.Outcome, dismissed.Item.Id, dismissed.Item.State, dismissed.Item.HandledBy), (repeat.Outcome, repeat.Item!.Id, repeat.Item.State, repeat.Item.HandledBy));
        Assert.Equal((CollectionOutcome.IllegalMove, CollectionOutcome.IllegalMove), (again.Outcome, take.Outcome));
        Assert.Equal(CollectionOutcome.NotFound, missing.Outcome);
        Assert.Equal(0, await inbox.OfferAsync("s", "桥接", [new OfferedItem("x-1", "江城图书馆延长冬季开放时间", null, "每天开放至晚上九点。", null)]));
    }

    [Fact]
    public async Task A_take_answers_at_once_with_the_item_taking_other_items_stay_workable_while_the_page_loads_and_a_failed_fetch_makes_it_new_again()
    {
        var channel = "tk-" + Guid.NewGuid().ToString("N")[..6];
        var slow = $"http://slow.test/{channel}/a.html";
        var gate = ClusterFixture.WebIntake.HoldArticle(slow);
        var inbox = fixture.Grains.GetGrain<ICollectionInboxGrain>(channel);
        Assert.Equal(2, await inbox.OfferAsync("s", "桥接", [
            new OfferedItem("x-1", "冬季新增三十条定制公交线路", slow, "全市将新增三十条定制公交线路。", null),
            new OfferedItem("x-2", "江城图书馆延长冬季开放时间", $"http://slow.test/{channel}/b.html", "每天开放至晚上九点。", null)]));
        var items = (await inbox.GetAsync()).Items;
        var bus = items.Single(i => i.Link == slow);
        var library = items.Single(i => i.Link != slow);

        var take = await inbox.TakeAsync(bus.Id, ReprintMode.Pitch, Editor, "t-slow").WaitAsync(TimeSpan.FromSeconds(5));
        await UntilAsync(() => Task.FromResult(ClusterFixture.WebIntake.ArticleFetches.Contains(slow)), seen => seen);
        // The page is still loading: the inbox answers a dismissal of another item, a snapshot and a repeat of the take at once.
        var dismissed = await inbox.DismissAsync(library.Id, Editor, "d-other").WaitAsync(TimeSpan.FromSeconds(5));
        var during = await inbox.GetAsync().WaitAsync(TimeSpan.FromSeconds(5));
        var byReviewer = await inbox.TakeAsync(bus.Id, ReprintMode.Pitch, Reviewer, "t-reviewer").WaitAsync(TimeSpan.FromSeconds(5));
        var dismissWhileTaking = await inbox.DismissAsync(bus.Id, Editor, "d-taking").WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal((CollectionOutcome.Applied, CollectedItemState.Taking, Editor.UserId), (take.Outcome, take.Item!.State, take.Item.HandledBy!.Id));
        Assert.Equal((CollectionOutcome.Applied, CollectedItemState.Dismissed), (dismissed.Outcome, dismissed.Item!.State));
        Assert.Equal(CollectedItemState.Taking, during.Items.Single(i => i.Id == bus.Id).State);
        Assert.Equal(CollectionOutcome.Forbidden, byReviewer.Outcome);
        Assert.Equal(CollectionOutcome.IllegalMove, dismissWhileTaking.Outcome);

        gate.SetResult();
        var after = await UntilAsync(async () => (await inbox.GetAsync()).Items.Single(i => i.Id == bus.Id), item => item.State != CollectedItemState.Taking);
        Assert.Equal(CollectedItemState.New, after.State);
        Assert.Null(after.ArticleId);
        Assert.False(string.IsNullOrEmpty(after.LastError));
        // New again: it can be taken once more (the site may answer later) or dismissed.
        Assert.Equal(CollectedItemState.Taking, (await inbox.TakeAsync(bus.Id, ReprintMode.Pitch, Editor, "t-again")).Item!.State);
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
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
