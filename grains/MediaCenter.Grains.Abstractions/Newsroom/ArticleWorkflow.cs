using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Newsroom;

/// <summary>
/// The newsroom's state machine as data (F6.1–F6.5). Everything not listed is an illegal move (409 naming
/// the current state and the allowed moves); a listed move by a caller without one of its roles is 403.
/// docs/NEWSROOM.md prints this table; the grain tests walk every row and every missing pair.
/// </summary>
public static class ArticleWorkflow
{
    private const NewsroomRole Chief = NewsroomRole.Chief;
    private const NewsroomRole Author = NewsroomRole.Author;
    private const NewsroomRole Assignee = NewsroomRole.Assignee;
    private const NewsroomRole Reviewer = NewsroomRole.Reviewer;

    /// <summary>Every allowed move. A move's <c>To</c> is null when the command decides (approval: the next review level, or Approved after the last).</summary>
    public static WorkflowTable<ArticleStage, ArticleCommandType, NewsroomRole> Transitions { get; } = new(
    [
        new(null, ArticleCommandType.File, NewsroomRole.Editor, ArticleStage.Pitched),

        new(ArticleStage.Pitched, ArticleCommandType.EditPitch, Chief | Author, ArticleStage.Pitched),
        new(ArticleStage.Pitched, ArticleCommandType.ReturnPitch, Chief, ArticleStage.PitchReturned),
        new(ArticleStage.Pitched, ArticleCommandType.Confirm, Chief, ArticleStage.Confirmed),
        new(ArticleStage.Pitched, ArticleCommandType.Delete, Chief, ArticleStage.Deleted),

        new(ArticleStage.PitchReturned, ArticleCommandType.EditPitch, Chief | Author, ArticleStage.PitchReturned),
        new(ArticleStage.PitchReturned, ArticleCommandType.Refile, Author, ArticleStage.Pitched),
        new(ArticleStage.PitchReturned, ArticleCommandType.Delete, Chief | Author, ArticleStage.Deleted),

        new(ArticleStage.Confirmed, ArticleCommandType.EditPitch, Chief, ArticleStage.Confirmed),
        new(ArticleStage.Confirmed, ArticleCommandType.Assign, Chief, ArticleStage.Assigned),
        new(ArticleStage.Confirmed, ArticleCommandType.Delete, Chief, ArticleStage.Deleted),

        new(ArticleStage.Assigned, ArticleCommandType.Assign, Chief, ArticleStage.Assigned),
        new(ArticleStage.Assigned, ArticleCommandType.ReportProgress, Assignee, ArticleStage.Drafting),
        new(ArticleStage.Assigned, ArticleCommandType.SaveDraft, Assignee, ArticleStage.Drafting),

        new(ArticleStage.Drafting, ArticleCommandType.Assign, Chief, ArticleStage.Drafting),
        new(ArticleStage.Drafting, ArticleCommandType.ReportProgress, Assignee, ArticleStage.Drafting),
        new(ArticleStage.Drafting, ArticleCommandType.SaveDraft, Assignee, ArticleStage.Drafting),
        new(ArticleStage.Drafting, ArticleCommandType.Submit, Assignee, ArticleStage.InReview),

        new(ArticleStage.InReview, ArticleCommandType.Approve, Reviewer, null),
        new(ArticleStage.InReview, ArticleCommandType.Reject, Reviewer, ArticleStage.Rejected),

        new(ArticleStage.Rejected, ArticleCommandType.Assign, Chief, ArticleStage.Rejected),
        new(ArticleStage.Rejected, ArticleCommandType.ReportProgress, Assignee, ArticleStage.Drafting),
        new(ArticleStage.Rejected, ArticleCommandType.SaveDraft, Assignee, ArticleStage.Drafting),
        new(ArticleStage.Rejected, ArticleCommandType.Submit, Assignee, ArticleStage.InReview),

        new(ArticleStage.Approved, ArticleCommandType.Publish, Chief, ArticleStage.Published),
        new(ArticleStage.Approved, ArticleCommandType.Schedule, Chief, ArticleStage.Scheduled),

        new(ArticleStage.Scheduled, ArticleCommandType.Publish, Chief, ArticleStage.Published),
        new(ArticleStage.Scheduled, ArticleCommandType.Schedule, Chief, ArticleStage.Scheduled),
        new(ArticleStage.Scheduled, ArticleCommandType.CancelSchedule, Chief, ArticleStage.Approved),
        new(ArticleStage.Scheduled, ArticleCommandType.FireSchedule, NewsroomRole.System, ArticleStage.Published),

        new(ArticleStage.Published, ArticleCommandType.Withdraw, Chief, ArticleStage.Withdrawn),
    ]);

    /// <summary>The move for a command in a state, or null when it is illegal there.</summary>
    public static Transition<ArticleStage, ArticleCommandType, NewsroomRole>? Find(ArticleStage? from, ArticleCommandType command) =>
        Transitions.Find(from, command);

    /// <summary>Commands allowed in a state (by someone).</summary>
    /// <remarks>A concrete list: results are kept in grain state, whose JSON names runtime types.</remarks>
    public static IReadOnlyList<ArticleCommandType> AllowedIn(ArticleStage? from) => Transitions.AllowedIn(from);

    /// <summary>Commands allowed in a state to a caller holding the given roles.</summary>
    public static IReadOnlyList<ArticleCommandType> AllowedIn(ArticleStage? from, NewsroomRole roles) => Transitions.AllowedIn(from, roles);

    /// <summary>Names of the review levels: 1 初审, 2 复审, 3 终审.</summary>
    public static string LevelName(int level) => level is >= 1 and <= 3
        ? Msg.Of("newsroom.level" + level.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : level.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
