using System.Collections;
using System.Globalization;

namespace MediaCenter.Grains.Workflow;

/// <summary>
/// One allowed move of a workflow: in state <see cref="From"/> (null: the entity does not exist yet),
/// <see cref="Command"/> by a caller holding one of <see cref="Roles"/> leads to <see cref="To"/>.
/// </summary>
/// <param name="To">The next state; null when the command decides it (an approval: the next review level, or approved after the last).</param>
public sealed record Transition<TState, TCommand, TRole>(TState? From, TCommand Command, TRole Roles, TState? To)
    where TState : struct, Enum
    where TCommand : struct, Enum
    where TRole : struct, Enum
{
    /// <summary>True when a caller holding <paramref name="roles"/> holds at least one role this move needs.</summary>
    public bool AllowsAny(TRole roles) => (WorkflowRoles.Bits(Roles) & WorkflowRoles.Bits(roles)) != 0;
}

/// <summary>
/// A workflow's state machine as data: every allowed move, at most one per (state, command). Anything not listed
/// is an illegal move (409 naming the current state and the allowed moves); a listed move by a caller holding
/// none of its roles is forbidden (403). Grains check commands against it through the command pipeline; the
/// API serves it and the docs print it.
/// </summary>
public sealed class WorkflowTable<TState, TCommand, TRole> : IReadOnlyList<Transition<TState, TCommand, TRole>>
    where TState : struct, Enum
    where TCommand : struct, Enum
    where TRole : struct, Enum
{
    private readonly List<Transition<TState, TCommand, TRole>> _rows;

    /// <summary>Takes the rows; two rows for the same (state, command) would make the table ambiguous and are refused.</summary>
    public WorkflowTable(IEnumerable<Transition<TState, TCommand, TRole>> rows)
    {
        _rows = [.. rows];
        var twice = _rows.GroupBy(t => (t.From, t.Command)).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The workflow table has {twice.Count()} rows for {twice.Key.Command} in {twice.Key.From?.ToString() ?? "(new)"}."), nameof(rows));
        }
    }

    /// <inheritdoc/>
    public int Count => _rows.Count;

    /// <inheritdoc/>
    public Transition<TState, TCommand, TRole> this[int index] => _rows[index];

    /// <summary>The move for a command in a state, or null when it is illegal there.</summary>
    public Transition<TState, TCommand, TRole>? Find(TState? from, TCommand command) =>
        _rows.FirstOrDefault(t => Nullable.Equals(t.From, from) && EqualityComparer<TCommand>.Default.Equals(t.Command, command));

    /// <summary>Commands allowed in a state (by someone), in table order.</summary>
    /// <remarks>A concrete list: results holding it are kept in grain state, whose JSON names runtime types.</remarks>
    public List<TCommand> AllowedIn(TState? from) =>
        _rows.Where(t => Nullable.Equals(t.From, from)).Select(t => t.Command).Distinct().ToList();

    /// <summary>Commands allowed in a state to a caller holding the given roles.</summary>
    public List<TCommand> AllowedIn(TState? from, TRole roles) =>
        _rows.Where(t => Nullable.Equals(t.From, from) && t.AllowsAny(roles)).Select(t => t.Command).Distinct().ToList();

    /// <summary>True when some move creates the entity with this command (a row from no state).</summary>
    public bool Creates(TCommand command) => Find(null, command) is not null;

    /// <inheritdoc/>
    public IEnumerator<Transition<TState, TCommand, TRole>> GetEnumerator() => _rows.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Role flags of any workflow, as bits.</summary>
public static class WorkflowRoles
{
    /// <summary>The bits of a flags value (role enums are small non-negative flags).</summary>
    public static long Bits<TRole>(TRole roles) where TRole : struct, Enum => Convert.ToInt64(roles, CultureInfo.InvariantCulture);
}
