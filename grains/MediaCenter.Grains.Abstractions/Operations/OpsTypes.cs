namespace MediaCenter.Grains.Operations;

/// <summary>Who may give a plan, drill or campaign command (flags: a caller may hold several).</summary>
[Flags]
public enum OpsRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>A user (admin or member) of the access party the plan, drill or campaign belongs to.</summary>
    Party = 1,

    /// <summary>A platform operator or administrator (运营方).</summary>
    Operator = 2,

    /// <summary>管理方 management.</summary>
    Management = 4,
}

/// <summary>How a plan, drill or campaign command ended.</summary>
public enum OpsOutcome
{
    /// <summary>Applied and stored.</summary>
    Applied,

    /// <summary>Not allowed in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller does not hold a role the move needs (403).</summary>
    Forbidden,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,

    /// <summary>No such plan, drill or campaign (404).</summary>
    NotFound,

    /// <summary>The caller edited or decided on a revision or version that is no longer current (409).</summary>
    VersionConflict,
}

/// <summary>Who gives a command, with the roles the web layer established from the identity store for the thing acted on.</summary>
[GenerateSerializer, Immutable, Alias("mc.OpsActor")]
public sealed record OpsActor([property: Id(0)] Guid UserId, [property: Id(1)] string Name, [property: Id(2)] OpsRole Roles);

/// <summary>One row of a state table as the API serves it (<c>GET …/workflow</c>) and the docs print it.</summary>
/// <param name="From">The state the move starts from; null for a new plan, drill or campaign.</param>
/// <param name="Who">The roles that may make the move, comma-separated.</param>
public sealed record WorkflowRow(string? From, string Command, string Who, string To, string Note);

/// <summary>Helpers shared by the plan, drill and campaign state tables.</summary>
public static class OpsRoles
{
    /// <summary>The roles as a person reads them: <c>Party, Operator</c>.</summary>
    public static string Describe(OpsRole roles) =>
        string.Join(", ", Enum.GetValues<OpsRole>().Where(r => r != OpsRole.None && roles.HasFlag(r)));
}
