using MediaCenter.Grains.Newsroom;
using Orleans.Core.Internal;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>A channel's board index and its story id sequence.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ChannelBoardTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_board_holds_the_card_after_each_command_with_an_increasing_board_version()
    {
        var desk = await Desk.Fresh(fixture.Grains, "bd").WithPolicyAsync(2);
        var story = desk.NewStory();
        var id = story.GetPrimaryKeyString();
        var steps = new (ArticleCommandType Command, NewsroomActor Actor)[]
        {
            (ArticleCommandType.File, Staff.Author),
            (ArticleCommandType.EditPitch, Staff.Author),
            (ArticleCommandType.Confirm, Staff.Chief),
            (ArticleCommandType.Assign, Staff.Chief),
            (ArticleCommandType.ReportProgress, Staff.Writer),
            (ArticleCommandType.SaveDraft, Staff.Writer),
            (ArticleCommandType.Submit, Staff.Writer),
            (ArticleCommandType.Approve, Staff.Reviewer(1)),
            (ArticleCommandType.Approve, Staff.Reviewer(2)),
            (ArticleCommandType.Schedule, Staff.Chief),
            (ArticleCommandType.Publish, Staff.Chief),
            (ArticleCommandType.Withdraw, Staff.Chief),
        };

        var boardVersion = (await desk.ChannelGrain.GetBoardAsync()).Version;
        foreach (var (command, actor) in steps)
        {
            var card = await Desk.MustAsync(story, await desk.ValidForAsync(story, command), actor);

            // The board follows right after the command has answered.
            var board = await BoardAsync(desk, b => b.Cards.Any(c => c.Id == id && c.Version == card.Version));
            Assert.Equal(desk.Channel, board.Channel);
            Assert.True(board.Version > boardVersion, $"after {command} the board version stayed {board.Version}");
            boardVersion = board.Version;
            var shown = Assert.Single(board.Cards, c => c.Id == id);
            Assert.Equal((card.Stage, card.Version, card.Title, card.ReviewLevel), (shown.Stage, shown.Version, shown.Title, shown.ReviewLevel));
        }

        Assert.Equal(ArticleStage.Withdrawn, Assert.Single((await desk.ChannelGrain.GetBoardAsync()).Cards).Stage);
    }

    [Fact]
    public async Task A_story_moving_writes_nothing_of_its_channel_and_a_channel_woken_again_reads_its_board_above_every_version_shown()
    {
        var desk = await Desk.Fresh(fixture.Grains, "bw").WithPolicyAsync(1);
        var story = desk.NewStory();
        var id = story.GetPrimaryKeyString();
        await Desk.MustAsync(story, await desk.ValidForAsync(story, ArticleCommandType.File), Staff.Author);
        await BoardAsync(desk, b => b.Cards.Any(c => c.Id == id));
        var channel = desk.ChannelGrain.GetGrainId();
        var written = HoldingGrainStorage.WritesOf(channel);

        ArticleCard card = null!;
        foreach (var (command, actor) in new (ArticleCommandType, NewsroomActor)[]
                 {
                     (ArticleCommandType.Confirm, Staff.Chief), (ArticleCommandType.Assign, Staff.Chief), (ArticleCommandType.SaveDraft, Staff.Writer),
                 })
        {
            card = await Desk.MustAsync(story, await desk.ValidForAsync(story, command), actor);
        }

        var shown = await BoardAsync(desk, b => b.Cards.Any(c => c.Id == id && c.Version == card.Version));
        // Longer than the half-second checkpoint the board index once had: the channel's state is what the channel is, not its cards.
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        Assert.Equal(written, HoldingGrainStorage.WritesOf(channel));

        await desk.ChannelGrain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var again = await BoardAsync(desk, b => b.Version != shown.Version);
        Assert.True(again.Version > shown.Version, $"woken again at board version {again.Version}, after {shown.Version} was shown");
        var read = Assert.Single(again.Cards);
        Assert.Equal((id, card.Stage, card.Version), (read.Id, read.Stage, read.Version));
    }

    private static async Task<BoardSnapshot> BoardAsync(Desk desk, Func<BoardSnapshot, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var board = await desk.ChannelGrain.GetBoardAsync();
            if (done(board) || DateTime.UtcNow > deadline)
            {
                return board;
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_deleted_story_leaves_the_board()
    {
        var desk = Desk.Fresh(fixture.Grains, "bd");
        var kept = await desk.StoryInAsync(ArticleStage.Confirmed);
        var deleted = await desk.StoryInAsync(ArticleStage.Confirmed);
        var before = await BoardAsync(desk, b => b.Cards.Count == 2 && b.Cards.All(c => c.Stage == ArticleStage.Confirmed));
        Assert.Equal(2, before.Cards.Count);

        await Desk.MustAsync(deleted, new ArticleCommand.Delete { Comment = "重复选题" }, Staff.Chief);

        var after = await BoardAsync(desk, b => b.Cards.Count == 1);
        Assert.True(after.Version > before.Version);
        Assert.Equal([kept.GetPrimaryKeyString()], after.Cards.Select(c => c.Id));
        Assert.Equal(ArticleStage.Deleted, (await Desk.ViewAsync(deleted)).Card.Stage);
    }

    [Fact]
    public async Task The_board_takes_cards_in_version_order_and_ignores_older_ones()
    {
        var desk = Desk.Fresh(fixture.Grains, "bd");
        var story = await desk.StoryInAsync(ArticleStage.Assigned);
        var id = story.GetPrimaryKeyString();
        var before = await BoardAsync(desk, b => b.Cards.Count == 1 && b.Cards[0].Stage == ArticleStage.Assigned);
        var current = Assert.Single(before.Cards);

        await desk.ChannelGrain.UpdateCardAsync(current with { Version = current.Version - 1, Stage = ArticleStage.Confirmed, Title = "旧标题" });
        await desk.ChannelGrain.UpdateCardAsync(current with { Title = "同版本的另一张卡" });
        await desk.ChannelGrain.UpdateCardAsync(current with { Version = current.Version - 1, Stage = ArticleStage.Deleted });

        var after = await desk.ChannelGrain.GetBoardAsync();
        Assert.Equal(before.Version, after.Version);
        var shown = Assert.Single(after.Cards);
        Assert.Equal((id, current.Stage, current.Version, current.Title), (shown.Id, shown.Stage, shown.Version, shown.Title));

        // A newer card is taken.
        await desk.ChannelGrain.UpdateCardAsync(current with { Version = current.Version + 1, Title = "新标题" });
        var newer = await desk.ChannelGrain.GetBoardAsync();
        Assert.Equal(before.Version + 1, newer.Version);
        Assert.Equal("新标题", Assert.Single(newer.Cards).Title);
    }

    [Fact]
    public async Task An_article_id_is_allocated_once_per_operation_id()
    {
        var desk = Desk.Fresh(fixture.Grains, "ids");

        var first = await desk.ChannelGrain.AllocateArticleIdAsync("file-1");
        var repeat = await desk.ChannelGrain.AllocateArticleIdAsync("file-1");
        var second = await desk.ChannelGrain.AllocateArticleIdAsync("file-2");
        var third = await desk.ChannelGrain.AllocateArticleIdAsync("file-3");

        Assert.Equal(first, repeat);
        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        Assert.All(new[] { first, second, third }, id => Assert.StartsWith(desk.Channel + "-", id, StringComparison.Ordinal));
        Assert.Equal(second, await desk.ChannelGrain.AllocateArticleIdAsync("file-2"));
    }

    [Fact]
    public async Task A_filing_retried_after_the_channel_moved_on_gets_its_story_and_numbering_continues()
    {
        var desk = Desk.Fresh(fixture.Grains, "idr");
        var first = await desk.ChannelGrain.AllocateArticleIdAsync("file-1");
        var second = await desk.ChannelGrain.AllocateArticleIdAsync("file-2");

        // A new activation knows nothing of them but what the journal recorded.
        await desk.ChannelGrain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
        Assert.Equal(second, await desk.ChannelGrain.AllocateArticleIdAsync("file-2"));
        Assert.Equal(first, await desk.ChannelGrain.AllocateArticleIdAsync("file-1"));
        Assert.Equal($"{desk.Channel}-0003", await desk.ChannelGrain.AllocateArticleIdAsync("file-3"));
        Assert.Equal(3, ClusterFixture.Newsroom.AllocationsOf(desk.Channel));
    }

    [Fact]
    public async Task Allocations_a_stored_channel_state_still_holds_move_to_the_journal_and_leave_the_state()
    {
        var desk = Desk.Fresh(fixture.Grains, "idl");
        var grain = desk.ChannelGrain.GetGrainId();
        HoldingGrainStorage.Store(grain, new ChannelState
        {
            NextNumber = 7,
            Allocations = [new("file-6", $"{desk.Channel}-0006"), new("file-7", $"{desk.Channel}-0007")],
        });

        Assert.Equal($"{desk.Channel}-0007", await desk.ChannelGrain.AllocateArticleIdAsync("file-7"));
        Assert.Equal($"{desk.Channel}-0006", await desk.ChannelGrain.AllocateArticleIdAsync("file-6"));
        Assert.Equal($"{desk.Channel}-0008", await desk.ChannelGrain.AllocateArticleIdAsync("file-8"));
        Assert.Equal(3, ClusterFixture.Newsroom.AllocationsOf(desk.Channel));
        Assert.Empty(HoldingGrainStorage.WrittenChannel(grain)!.Allocations);
        Assert.Equal(7, HoldingGrainStorage.WrittenChannel(grain)!.NextNumber);
    }

    [Fact]
    public async Task Channel_policy_changes_are_validated_and_idempotent_per_operation_id()
    {
        var desk = Desk.Fresh(fixture.Grains, "pol");
        Assert.Equal(ChannelPolicy.Default.ReviewLevels, (await desk.ChannelGrain.GetPolicyAsync()).ReviewLevels);

        var set = await desk.ChannelGrain.ConfigureAsync(2, [PublishTarget.App, PublishTarget.Pc, PublishTarget.App], "cfg-1");
        var ignored = await desk.ChannelGrain.ConfigureAsync(1, [PublishTarget.Wap], "cfg-1");

        Assert.Equal(2, set.ReviewLevels);
        Assert.Equal([PublishTarget.Pc, PublishTarget.App], set.Targets);
        Assert.Equal(2, ignored.ReviewLevels);
        await Assert.ThrowsAsync<ArgumentException>(() => desk.ChannelGrain.ConfigureAsync(4, [PublishTarget.Pc], "cfg-bad-levels"));
        await Assert.ThrowsAsync<ArgumentException>(() => desk.ChannelGrain.ConfigureAsync(1, [], "cfg-bad-targets"));
        await Assert.ThrowsAsync<ArgumentException>(() => desk.ChannelGrain.SetSuspendedAsync(true, " ", "suspend-no-reason"));
        var board = await desk.ChannelGrain.GetBoardAsync();
        Assert.Equal(2, board.Policy.ReviewLevels);
        Assert.False(board.Policy.Suspended);
    }
}
