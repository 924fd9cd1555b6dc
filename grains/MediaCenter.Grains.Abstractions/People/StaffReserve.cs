namespace MediaCenter.Grains.People;

/// <summary>Hires planned for a post: how many, by when, and a note (a recruitment round, trainees finishing).</summary>
[GenerateSerializer, Immutable, Alias("mc.PlannedHire")]
public sealed record PlannedHire(
    [property: Id(0)] int Count,
    [property: Id(1)] DateOnly By,
    [property: Id(2)] string? Note);

/// <summary>What one post needs: the headcount required and the hires planned towards it.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReservePost")]
public sealed record ReservePost(
    [property: Id(0)] StaffPost Post,
    [property: Id(1)] int Required,
    [property: Id(2)] IReadOnlyList<PlannedHire> Planned);

/// <summary>
/// An organisation's staff reserve plan (人员储备, standard §8.1.4.2): per post the headcount required and the hires
/// planned. <see cref="Version"/> grows with every change, so the roster never takes an older plan over a newer one.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.ReservePlan")]
public sealed record ReservePlan(
    [property: Id(0)] string Organisation,
    [property: Id(1)] IReadOnlyList<ReservePost> Posts,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] string UpdatedBy);

/// <summary>
/// One post of the plan against the roster: required, active now, planned (hires not yet due), what is short today and
/// the gap that remains once every planned hire has arrived.
/// </summary>
/// <param name="NextHireBy">The earliest planned hire still to come; null when none is.</param>
[GenerateSerializer, Immutable, Alias("mc.ReserveLine")]
public sealed record ReserveLine(
    [property: Id(0)] StaffPost Post,
    [property: Id(1)] int Required,
    [property: Id(2)] int Current,
    [property: Id(3)] int Planned,
    [property: Id(4)] int ShortNow,
    [property: Id(5)] int Gap,
    [property: Id(6)] DateOnly? NextHireBy);

/// <summary>The state of a reserve plan: it exists once set, and each change replaces it whole.</summary>
public enum ReserveState
{
    /// <summary>A plan is in force.</summary>
    Set,
}

/// <summary>What can be done to a reserve plan.</summary>
public enum ReserveCommandType
{
    /// <summary>The organisation's admin sets (or replaces) the plan.</summary>
    SetPlan,
}

/// <summary>One allowed move of a reserve plan.</summary>
public sealed record ReserveTransition(ReserveState? From, ReserveCommandType Command, StaffRole Roles, ReserveState To, string Note);

/// <summary>The reserve plan's state table as data (docs/PEOPLE.md prints it; the grain tests walk it).</summary>
public static class ReserveWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<ReserveTransition> Transitions { get; } =
    [
        new(null, ReserveCommandType.SetPlan, StaffRole.OrganisationAdmin, ReserveState.Set, "per post: required headcount, planned hires"),
        new(ReserveState.Set, ReserveCommandType.SetPlan, StaffRole.OrganisationAdmin, ReserveState.Set, "replaces the plan whole"),
    ];

    /// <summary>The plan against the roster's active headcount per post, as of <paramref name="today"/> (hires due before today are taken as arrived, so they count only in the headcount).</summary>
    public static IReadOnlyList<ReserveLine> Lines(ReservePlan? plan, IReadOnlyDictionary<StaffPost, int> current, DateOnly today) =>
        plan is null
            ? []
            : [.. plan.Posts.OrderBy(p => p.Post).Select(p =>
            {
                var now = current.GetValueOrDefault(p.Post);
                var coming = p.Planned.Where(h => h.By >= today).ToList();
                var planned = coming.Sum(h => h.Count);
                return new ReserveLine(p.Post, p.Required, now, planned, Math.Max(0, p.Required - now), Math.Max(0, p.Required - now - planned),
                    coming.Count == 0 ? null : coming.Min(h => h.By));
            })];
}

/// <summary>Sets an organisation's reserve plan: every post listed at most once; posts left out need nobody.</summary>
[GenerateSerializer, Immutable, Alias("mc.SetReservePlan")]
public sealed record SetReservePlan([property: Id(0)] IReadOnlyList<ReservePost>? Posts);

/// <summary>The outcome of a reserve-plan command.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReserveResult")]
public sealed record ReserveResult(
    [property: Id(0)] StaffOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] ReservePlan? Plan,
    [property: Id(3)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == StaffOutcome.Applied;
}

/// <summary>
/// An organisation's staff reserve plan (key: <see cref="Organisation.Key"/>). Commands follow
/// <see cref="ReserveWorkflow"/>; after each write the organisation's roster hears the plan and shows it against the
/// headcount it counts (<see cref="RosterSummary.Reserve"/>), live.
/// </summary>
[Alias("mc.IStaffReserveGrain")]
public interface IStaffReserveGrain : IGrainWithStringKey
{
    /// <summary>Sets the plan (idempotent per operation id).</summary>
    [Alias("Set")]
    Task<ReserveResult> SetAsync(SetReservePlan command, StaffActor actor, string operationId);

    /// <summary>The plan in force, or null when none was set.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<ReservePlan?> GetAsync();
}
