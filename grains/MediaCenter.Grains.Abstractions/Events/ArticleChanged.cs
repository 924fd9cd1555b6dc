using System.Text.Json.Serialization;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Events;

/// <summary>A story moved (one row of <see cref="ArticleWorkflow.Transitions"/> was applied).</summary>
[GenerateSerializer, Immutable, Alias("mc.ArticleChanged")]
public sealed record ArticleChanged : DomainEvent
{
    /// <summary>The command applied.</summary>
    [Id(0)] public required ArticleCommandType Command { get; init; }

    /// <summary>The stage before (Pitched for a new pitch).</summary>
    [Id(1)] public required ArticleStage From { get; init; }

    /// <summary>The stage after.</summary>
    [Id(2)] public required ArticleStage To { get; init; }

    /// <summary>The channel the story belongs to.</summary>
    [Id(3)] public required string Channel { get; init; }

    /// <summary>The story's title.</summary>
    [Id(4)] public required string Title { get; init; }

    /// <summary>The editor who filed the pitch.</summary>
    [Id(5)] public required Person Author { get; init; }

    /// <summary>The editors the story is assigned to.</summary>
    [Id(6)] public IReadOnlyList<Person> Assignees { get; init; } = [];

    /// <summary>Assign: the editors it was assigned to before (a reassignment takes the task away from them).</summary>
    [Id(7)] public IReadOnlyList<Person> PreviousAssignees { get; init; } = [];

    /// <summary>When the assignment is due.</summary>
    [Id(8)] public DateTimeOffset? DueAt { get; init; }

    /// <summary>Approve / Reject: the level decided at; Submit and intermediate approvals: the level it now waits at.</summary>
    [Id(9)] public int? ReviewLevel { get; init; }

    /// <summary>The reason or comment given with the command.</summary>
    [Id(10)] public string? Comment { get; init; }

    /// <summary>Approve / Reject: when the story reached the level decided at (null when the log does not hold that moment).</summary>
    [Id(11)] public DateTimeOffset? ReviewRequestedAt { get; init; }

    [JsonIgnore] public override string Domain => DomainNames.Article;

    [JsonIgnore] public override string EventType => Command.ToString();

    protected override IEnumerable<Guid> Concerned() =>
        Actor().Append(Author.Id).Concat(Assignees.Select(a => a.Id)).Concat(PreviousAssignees.Select(a => a.Id));
}
