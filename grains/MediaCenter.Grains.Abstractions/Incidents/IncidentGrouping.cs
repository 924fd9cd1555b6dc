namespace MediaCenter.Grains.Incidents;

/// <summary>One alert source in a grouped incident: a terminal, since when it is out, and whether it is back.</summary>
[GenerateSerializer, Alias("mc.IncidentMember")]
public sealed record IncidentMember(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] DateTimeOffset? RecoveredAt)
{
    /// <summary>True once the member is back.</summary>
    public bool Recovered => RecoveredAt is not null;
}

/// <summary>
/// The group an incident stands for: alerts of one kind from one access party, application and region (see docs/INCIDENTS.md,
/// "Grouping"). A single terminal gives a group of one.
/// </summary>
[GenerateSerializer, Alias("mc.IncidentGroupView")]
public sealed record IncidentGroupView(
    [property: Id(0)] string Key,
    [property: Id(1)] string Region,
    [property: Id(2)] string Kind,
    [property: Id(3)] IReadOnlyList<IncidentMember> Members,
    [property: Id(4)] int Active,
    [property: Id(5)] int Recovered,
    [property: Id(6)] DateTimeOffset? AllRecoveredAt,
    [property: Id(7)] DateTimeOffset? NextUpdateAt)
{
    /// <summary>Every member is back: the incident proposes resolution to the operator (it never resolves itself).</summary>
    public bool ResolutionProposed => AllRecoveredAt is not null;

    /// <summary>The party's application (接入应用) of the group; empty for groups opened before applications.</summary>
    [Id(40)] public string Application { get; init; } = "";
}

/// <summary>What a notification of a grouped incident carries: the counts and a bounded list of members.</summary>
[GenerateSerializer, Alias("mc.IncidentGroupDigest")]
public sealed record IncidentGroupDigest(
    [property: Id(0)] string Region,
    [property: Id(1)] string Kind,
    [property: Id(2)] int Total,
    [property: Id(3)] int Active,
    [property: Id(4)] int Recovered,
    [property: Id(5)] bool ResolutionProposed,
    [property: Id(6)] IReadOnlyList<IncidentMember> Members,
    [property: Id(7)] string FullList);

/// <summary>
/// One per alert kind, access party and region : routes the member alerts of a storm into one
/// incident while its group window holds, and members' recoveries to the incident that lists them.
/// </summary>
/// <remarks>Keyed by <see cref="AlertGroups.KeyOf"/>.</remarks>
[Alias("mc.IAlertGroupGrain")]
public interface IAlertGroupGrain : IGrainWithStringKey
{
    /// <summary>A member's alert: joins the group's open incident, or opens one (through the fault's desk); returns the incident id.</summary>
    [Alias("Join")]
    Task<string> JoinAsync(IncidentMember member, IncidentReport report, string operationId);

    /// <summary>
    /// A member went out again without an alert (damped as flapping): marked out on the collecting incident if that takes it;
    /// never opens an incident.
    /// </summary>
    [Alias("OutAgain")]
    Task OutAgainAsync(IncidentMember member, string operationId);

    /// <summary>A member is back: marked recovered on the incident that lists it (or noted on its fault's incident).</summary>
    [Alias("Recover")]
    Task RecoverAsync(string memberId, string dedupKey, string reason, string operationId);

    /// <summary>The incident currently collecting the group's members, if any.</summary>
    [Alias("Current"), Orleans.Concurrency.ReadOnly]
    Task<string?> CurrentIncidentAsync();
}

/// <summary>Keys of alert groups.</summary>
public static class AlertGroups
{
    /// <summary>The key of the group of an alert kind (e.g. <c>terminal.offline</c>) of a party's default application and a region.</summary>
    public static string KeyOf(string kind, string partyId, string region) => KeyOf(kind, partyId, Applications.ApplicationIds.DefaultCode, region);

    /// <summary>
    /// The key of the group of an alert kind of a party's application (接入应用) and a region: terminals of two applications of a party
    /// in one region are two services, and two groups.
    /// </summary>
    public static string KeyOf(string kind, string partyId, string application, string region) => $"{kind}|{partyId}|{application}|{region}";
}
