using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Newsroom;

/// <summary>
/// Walks <see cref="ArticleWorkflow.Transitions"/> exhaustively: every row is applied for each role it names and
/// forbidden to every other caller, and every (stage, command) pair without a row is an illegal move. The cases
/// are generated from the enums and the table, so a change to the table is covered without touching this file.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ArticleWorkflowTableTests(ClusterFixture fixture)
{
    private static readonly string Prefix = "wf-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Every row that starts from a stage; in review, at each level of a 1-, 2- and 3-level channel.</summary>
    public static TheoryData<ArticleStage, int, int, ArticleCommandType> Rows()
    {
        var data = new TheoryData<ArticleStage, int, int, ArticleCommandType>();
        foreach (var row in ArticleWorkflow.Transitions.Where(t => t.From is not null))
        {
            if (row.From == ArticleStage.InReview)
            {
                for (var levels = 1; levels <= 3; levels++)
                {
                    for (var level = 1; level <= levels; level++)
                    {
                        data.Add(row.From.Value, levels, level, row.Command);
                    }
                }
            }
            else
            {
                data.Add(row.From!.Value, 3, 1, row.Command);
            }
        }

        return data;
    }

    /// <summary>Every (stage, command) pair the table has no row for.</summary>
    public static TheoryData<ArticleStage, ArticleCommandType> MissingRows()
    {
        var data = new TheoryData<ArticleStage, ArticleCommandType>();
        foreach (var stage in Enum.GetValues<ArticleStage>())
        {
            foreach (var command in Enum.GetValues<ArticleCommandType>())
            {
                if (ArticleWorkflow.Find(stage, command) is null)
                {
                    data.Add(stage, command);
                }
            }
        }

        return data;
    }

    public static TheoryData<ArticleStage> Stages() => [.. Enum.GetValues<ArticleStage>()];

    public static TheoryData<Who> Callers() => [.. Enum.GetValues<Who>()];

    private async Task<Desk> DeskAsync(int reviewLevels) => await new Desk(fixture.Grains, $"{Prefix}-l{reviewLevels}").WithPolicyAsync(reviewLevels);

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Every_stage_is_reached_by_moves_of_the_table_alone(ArticleStage stage)
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(stage);

        var view = await Desk.ViewAsync(story);
        Assert.Equal(stage, view.Card.Stage);
        Assert.Equal(view.Card.Version, view.History.Count);
        Assert.Equal(ArticleCommandType.File, view.History[0].Command);
        foreach (var entry in view.History.Skip(1))
        {
            var row = ArticleWorkflow.Find(entry.From, entry.Command);
            Assert.NotNull(row);
            Assert.True(row.To is null || row.To == entry.To, $"{entry.Command} from {entry.From} went to {entry.To}, the table says {row.To}");
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_applied_for_each_of_its_roles_and_lands_where_the_table_says(
        ArticleStage stage, int reviewLevels, int reviewLevel, ArticleCommandType command)
    {
        var row = ArticleWorkflow.Find(stage, command)!;
        var desk = await DeskAsync(reviewLevels);
        var allowed = Enum.GetValues<Who>().Where(w => (Staff.RolesOf(w, stage, reviewLevel) & row.Roles) != 0).ToList();
        Assert.NotEmpty(allowed);

        foreach (var who in allowed)
        {
            var story = await desk.StoryInAsync(stage, reviewLevel);
            var before = await Desk.ViewAsync(story);

            var result = await Desk.RunAsync(story, await desk.ValidForAsync(story, command), Staff.Of(who));

            Assert.True(result.Ok, $"{command} by {who} in {stage}: {result.Outcome} {result.Message}");
            var expected = row.To ?? (reviewLevel < reviewLevels ? ArticleStage.InReview : ArticleStage.Approved);
            Assert.Equal(expected, result.Stage);
            Assert.Equal(expected, result.Card!.Stage);
            Assert.Equal(ArticleWorkflow.AllowedIn(expected), result.AllowedMoves);
            Assert.Equal(before.Card.Version + 1, result.Card.Version);
            if (command == ArticleCommandType.Approve)
            {
                Assert.Equal(expected == ArticleStage.InReview ? reviewLevel + 1 : 0, result.Card.ReviewLevel);
            }

            var after = await Desk.ViewAsync(story);
            Assert.Equal(expected, after.Card.Stage);
            Assert.Equal(result.Card.Version, after.Card.Version);
            var entry = after.History[^1];
            Assert.Equal((command, stage, expected, Staff.Of(who).Person), (entry.Command, entry.From, entry.To, entry.Actor));
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_move_in_the_table_is_forbidden_to_every_caller_without_one_of_its_roles(
        ArticleStage stage, int reviewLevels, int reviewLevel, ArticleCommandType command)
    {
        var row = ArticleWorkflow.Find(stage, command)!;
        var desk = await DeskAsync(reviewLevels);
        var story = await desk.StoryInAsync(stage, reviewLevel);
        var before = await Desk.ViewAsync(story);
        var forbidden = Enum.GetValues<Who>().Where(w => (Staff.RolesOf(w, stage, reviewLevel) & row.Roles) == 0).ToList();
        Assert.NotEmpty(forbidden);
        if (row.Roles == NewsroomRole.Reviewer)
        {
            // The reviewers of the other levels are among them.
            Assert.Equal(3 - 1, forbidden.Count(w => w is Who.Reviewer1 or Who.Reviewer2 or Who.Reviewer3));
        }

        foreach (var who in forbidden)
        {
            var result = await Desk.RunAsync(story, await desk.ValidForAsync(story, command), Staff.Of(who));

            Assert.True(result.Outcome == CommandOutcome.Forbidden, $"{command} by {who} in {stage}: {result.Outcome} {result.Message}");
            Assert.Equal(stage, result.Stage);
        }

        var after = await Desk.ViewAsync(story);
        Assert.Equal(stage, after.Card.Stage);
        Assert.Equal(before.Card.Version, after.Card.Version);
        Assert.Equal(before.History.Count, after.History.Count);
    }

    [Theory]
    [MemberData(nameof(MissingRows))]
    public async Task A_move_missing_from_the_table_is_illegal_names_the_stage_and_lists_the_allowed_moves(ArticleStage stage, ArticleCommandType command)
    {
        var desk = await DeskAsync(3);
        var story = await desk.StoryInAsync(stage);
        var before = await Desk.ViewAsync(story);

        // Whoever asks, with valid arguments: the chief who is also the story's author and a reviewer of every level, or the platform.
        var everyone = Staff.Author with { Chief = true, ReviewLevels = [1, 2, 3] };
        foreach (var actor in new[] { everyone, NewsroomActor.System })
        {
            var result = await Desk.RunAsync(story, await desk.ValidForAsync(story, command), actor);

            Assert.Equal(CommandOutcome.IllegalMove, result.Outcome);
            Assert.Equal(stage, result.Stage);
            Assert.Equal(ArticleWorkflow.AllowedIn(stage), result.AllowedMoves);
            Assert.Contains(stage.ToString(), Text.En(result.Message), StringComparison.Ordinal);
        }

        var after = await Desk.ViewAsync(story);
        Assert.Equal(stage, after.Card.Stage);
        Assert.Equal(before.Card.Version, after.Card.Version);
        Assert.Equal(before.History.Count, after.History.Count);
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Only_an_editor_can_file_a_new_story(Who who)
    {
        var desk = await DeskAsync(3);
        var story = desk.NewStory();
        var row = ArticleWorkflow.Find(null, ArticleCommandType.File)!;
        var roles = Staff.RolesOf(who, ArticleStage.Pitched, 0) & ~NewsroomRole.Author; // nobody is the author of a story not yet filed

        var result = await Desk.RunAsync(story, desk.Valid(ArticleCommandType.File), Staff.Of(who));

        if ((roles & row.Roles) != 0)
        {
            Assert.True(result.Ok, $"{who}: {result.Outcome} {result.Message}");
            Assert.Equal(row.To, result.Card!.Stage);
            var view = await Desk.ViewAsync(story);
            Assert.Equal(Staff.Of(who).Person, view.Card.Author);
            Assert.Equal(desk.Channel, view.Card.Channel);
            Assert.Equal(1, view.Card.Version);
        }
        else
        {
            Assert.Equal(CommandOutcome.Forbidden, result.Outcome);
            Assert.Null(await story.GetAsync());
        }
    }

    [Theory]
    [MemberData(nameof(NotFiling))]
    public async Task Any_command_but_file_on_a_story_never_filed_is_not_found(ArticleCommandType command)
    {
        var desk = await DeskAsync(3);
        var story = desk.NewStory();

        var result = await Desk.RunAsync(story, desk.Valid(command), Staff.Author with { Chief = true, ReviewLevels = [1, 2, 3] });

        Assert.Equal(CommandOutcome.NotFound, result.Outcome);
        Assert.Null(await story.GetAsync());
    }

    public static TheoryData<ArticleCommandType> NotFiling() =>
        [.. Enum.GetValues<ArticleCommandType>().Where(c => ArticleWorkflow.Find(null, c) is null)];
}
