namespace MediaCenter.Grains.Operations;

/// <summary>One allowed move on a plan's latest version: in <see cref="From"/> (null: a new plan), <see cref="Command"/> by one of <see cref="Roles"/> leads to <see cref="To"/>.</summary>
public sealed record PlanTransition(PlanState? From, PlanCommandType Command, OpsRole Roles, PlanState To, string Note);

/// <summary>
/// The plan state table as data (F9.3, standard §9.3.3: the operator writes emergency plans, management approves
/// them). The rows apply to the plan's latest version. Everything not listed is an illegal move (409 naming the
/// state and the moves allowed there); a listed move by a caller without one of its roles is 403.
/// docs/OPERATIONS-PLANS.md prints this table; the grain tests walk every row and every missing pair.
/// </summary>
/// <remarks>
/// Authors are the platform operator (for any party) and the users of the plan's own party, who keep writing their
/// own plans. Approval stays with management alone, so nobody approves what they wrote.
/// </remarks>
public static class PlanWorkflow
{
    private const OpsRole Author = OpsRole.Party | OpsRole.Operator;
    private const OpsRole Management = OpsRole.Management;

    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<PlanTransition> Transitions { get; } =
    [
        new(null, PlanCommandType.Create, Author, PlanState.Draft, "version 1; the operator names the party"),
        new(PlanState.Draft, PlanCommandType.SaveDraft, Author, PlanState.Draft, "same version; needs the plan's current revision"),
        new(PlanState.Draft, PlanCommandType.Submit, Author, PlanState.Submitted, "every section filled, every risk rated"),
        new(PlanState.Submitted, PlanCommandType.Approve, Management, PlanState.Approved, "becomes effective; the previously approved version becomes Superseded"),
        new(PlanState.Submitted, PlanCommandType.Return, Management, PlanState.Draft, "reason required"),
        new(PlanState.Approved, PlanCommandType.SaveDraft, Author, PlanState.Draft, "a new version; the approved one stays effective until the new one is approved"),
    ];

    /// <summary>The move for a command on a latest version in a state, or null when it is illegal there.</summary>
    public static PlanTransition? Find(PlanState? from, PlanCommandType command) =>
        Transitions.FirstOrDefault(t => t.From == from && t.Command == command);

    /// <summary>Commands allowed in a state (by someone).</summary>
    /// <remarks>A concrete list: results are kept in grain state, whose JSON names runtime types.</remarks>
    public static List<PlanCommandType> AllowedIn(PlanState? from) => Transitions.Where(t => t.From == from).Select(t => t.Command).ToList();

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Transitions.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To.ToString(), t.Note)).ToList();
}
