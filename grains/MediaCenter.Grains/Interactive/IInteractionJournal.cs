namespace MediaCenter.Grains.Interactive;

/// <summary>
/// Where the interactions of published stories leave the grains: the read tables <c>mc.interactions</c> (the results the
/// feeds carry) and <c>mc.interaction_questions</c> (the questions and their moderation). Implemented on PostgreSQL by the
/// silo; version-guarded, so a retry or a replay after activation is harmless.
/// </summary>
public interface IInteractionJournal
{
    /// <summary>Brings the story's results row up to its version and each given question's row up to the question's version.</summary>
    Task RecordAsync(InteractionResults results, IReadOnlyList<InteractionQuestion> questions, CancellationToken cancellationToken = default);
}
