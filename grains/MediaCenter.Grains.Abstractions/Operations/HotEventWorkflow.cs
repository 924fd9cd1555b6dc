using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Operations;

/// <summary>
/// The hot-event state machine as data (F9.3.2). Everything not listed is an illegal move (409 naming the
/// current state and the allowed moves); a listed move by a caller without one of its roles is 403.
/// docs/OPERATIONS-PLANS.md prints this table.
/// </summary>
/// <remarks>
/// Decisions: an event that is never acknowledged never becomes active (at its window's end it is Expired);
/// an acknowledgement given after the window opened activates it at once; editing an acknowledged event
/// sends it back to Registered (the operator acknowledges what will really happen); once active, only the
/// Q&amp;A script may change, and only an operator may end it early.
/// </remarks>
public static class HotEventWorkflow
{
    private const HotEventRole Party = HotEventRole.Party;
    private const HotEventRole Operator = HotEventRole.Operator;
    private const HotEventRole System = HotEventRole.System;

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<HotEventStatus, HotEventCommandType, HotEventRole> Transitions { get; } = new(
    [
        new(null, HotEventCommandType.Register, Party, HotEventStatus.Registered),

        new(HotEventStatus.Registered, HotEventCommandType.Edit, Party, HotEventStatus.Registered),
        new(HotEventStatus.Registered, HotEventCommandType.UpdateScript, Party, HotEventStatus.Registered),
        new(HotEventStatus.Registered, HotEventCommandType.Acknowledge, Operator, HotEventStatus.Acknowledged),
        new(HotEventStatus.Registered, HotEventCommandType.Cancel, Party, HotEventStatus.Cancelled),
        new(HotEventStatus.Registered, HotEventCommandType.Expire, System, HotEventStatus.Expired),

        new(HotEventStatus.Acknowledged, HotEventCommandType.Edit, Party, HotEventStatus.Registered),
        new(HotEventStatus.Acknowledged, HotEventCommandType.UpdateScript, Party, HotEventStatus.Acknowledged),
        new(HotEventStatus.Acknowledged, HotEventCommandType.Cancel, Party, HotEventStatus.Cancelled),
        new(HotEventStatus.Acknowledged, HotEventCommandType.Start, System, HotEventStatus.Active),
        new(HotEventStatus.Acknowledged, HotEventCommandType.End, System, HotEventStatus.Ended),

        new(HotEventStatus.Active, HotEventCommandType.UpdateScript, Party, HotEventStatus.Active),
        new(HotEventStatus.Active, HotEventCommandType.Stop, Operator, HotEventStatus.Ended),
        new(HotEventStatus.Active, HotEventCommandType.End, System, HotEventStatus.Ended),
    ]);

    /// <summary>The move for a command in a state, or null when it is illegal there.</summary>
    public static Transition<HotEventStatus, HotEventCommandType, HotEventRole>? Find(HotEventStatus? from, HotEventCommandType command) =>
        Transitions.Find(from, command);

    /// <summary>Commands allowed in a state (by someone).</summary>
    /// <remarks>A concrete list: results are kept in grain state, whose JSON names runtime types.</remarks>
    public static List<HotEventCommandType> AllowedIn(HotEventStatus? from) => Transitions.AllowedIn(from);

    /// <summary>True for states the public Q&amp;A is served in.</summary>
    public static bool IsPublic(HotEventStatus status) => status is HotEventStatus.Acknowledged or HotEventStatus.Active;

    /// <summary>True for states nothing leaves.</summary>
    public static bool IsFinal(HotEventStatus status) => status is HotEventStatus.Ended or HotEventStatus.Cancelled or HotEventStatus.Expired;
}
