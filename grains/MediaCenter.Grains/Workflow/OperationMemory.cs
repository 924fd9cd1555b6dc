namespace MediaCenter.Grains.Workflow;

/// <summary>
/// The applied operation ids a workflow state keeps, with what each answered: a repeat of one gets the first
/// answer. Only the last <see cref="Keep"/> are kept, so the state stays small; a client retries within minutes,
/// long before its id falls off the end. Each grain keeps its own entry type in its stored state (the stored
/// JSON names it), so the memory reaches the list through accessors.
/// </summary>
public sealed class OperationMemory<TState, TResult>
    where TState : class
    where TResult : class
{
    private readonly Func<TState, string, TResult?> _recall;
    private readonly Action<TState, string, TResult> _remember;

    private OperationMemory(int keep, Func<TState, string, TResult?> recall, Action<TState, string, TResult> remember)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Keep = keep;
        _recall = recall;
        _remember = remember;
    }

    /// <summary>How many of the latest operations are remembered.</summary>
    public int Keep { get; }

    /// <summary>A memory over a list of the state.</summary>
    /// <param name="list">The state's list of applied operations (oldest first).</param>
    /// <param name="idOf">An entry's operation id.</param>
    /// <param name="resultOf">An entry's answer.</param>
    /// <param name="entry">Makes an entry.</param>
    /// <param name="keep">How many to keep.</param>
    public static OperationMemory<TState, TResult> Over<TEntry>(Func<TState, List<TEntry>> list, Func<TEntry, string> idOf,
        Func<TEntry, TResult> resultOf, Func<string, TResult, TEntry> entry, int keep = 50) =>
        new(keep,
            (state, id) => list(state).FirstOrDefault(e => string.Equals(idOf(e), id, StringComparison.Ordinal)) is { } found ? resultOf(found) : null,
            (state, id, result) =>
            {
                var entries = list(state);
                entries.Add(entry(id, result));
                if (entries.Count > keep)
                {
                    entries.RemoveRange(0, entries.Count - keep);
                }
            });

    /// <summary>What the operation answered, or null when it is not (or no longer) remembered.</summary>
    public TResult? Recall(TState state, string operationId) => _recall(state, operationId);

    /// <summary>Remembers an operation's answer, forgetting the oldest beyond <see cref="Keep"/>.</summary>
    public void Remember(TState state, string operationId, TResult result) => _remember(state, operationId, result);
}

/// <summary>An applied operation id and its answer, for workflow states that have no entry type of their own yet.</summary>
[GenerateSerializer, Alias("mc.AppliedOperation`1")]
public sealed record AppliedOperation<TResult>([property: Id(0)] string OperationId, [property: Id(1)] TResult Result);
