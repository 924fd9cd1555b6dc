namespace MediaCenter.Identity;

/// <summary>Platform-wide roles (运营方 and 管理方 staff).</summary>
public static class PlatformRoles
{
    /// <summary>Platform administrator: accounts, access parties, everything.</summary>
    public const string Admin = "admin";

    /// <summary>运营方 operator: runs the platform day to day.</summary>
    public const string Operator = "operator";

    /// <summary>管理方 management: the supervising authority.</summary>
    public const string Management = "management";

    /// <summary>Auditor: read-only on logs.</summary>
    public const string Auditor = "auditor";

    /// <summary>Every platform role.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Operator, Management, Auditor];
}

/// <summary>Roles inside an access party (接入方).</summary>
public static class PartyRoles
{
    /// <summary>Manages the party's users, channels and terminals.</summary>
    public const string Admin = "party-admin";

    /// <summary>A member: sees the party's data, acts through channel roles.</summary>
    public const string Member = "party-member";

    /// <summary>Every party role.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Member];
}

/// <summary>Newsroom roles, held per channel.</summary>
public static class ChannelRoles
{
    /// <summary>频道负责人 channel chief.</summary>
    public const string Chief = "chief";

    /// <summary>编辑 editor.</summary>
    public const string Editor = "editor";

    /// <summary>审核人 reviewer, with a review level (1 初审, 2 复审, 3 终审).</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Every channel role.</summary>
    public static readonly IReadOnlyList<string> All = [Chief, Editor, Reviewer];
}

/// <summary>A channel role held by a user.</summary>
public sealed record ChannelMembership(string Channel, string Role, int? ReviewLevel);

/// <summary>Who is calling: rebuilt from the database on every request, so role changes apply at once.</summary>
public sealed record CurrentUser(
    Guid Id,
    string Username,
    string DisplayName,
    string? PartyId,
    string? PartyRole,
    IReadOnlyList<string> PlatformRoles,
    IReadOnlyList<ChannelMembership> Channels,
    bool MustChangePassword)
{
    /// <summary>True when the user holds the platform role.</summary>
    public bool Is(string platformRole) => PlatformRoles.Contains(platformRole);

    /// <summary>Platform admins and operators act on every access party.</summary>
    public bool SpansAllParties => Is(Identity.PlatformRoles.Admin) || Is(Identity.PlatformRoles.Operator);

    /// <summary>True when the user may see data of the given access party.</summary>
    public bool CanSeeParty(string partyId) => SpansAllParties || Is(Identity.PlatformRoles.Management) || PartyId == partyId;

    /// <summary>True when the user may manage (change) data of the given access party.</summary>
    public bool CanManageParty(string partyId) => SpansAllParties || (PartyId == partyId && PartyRole == PartyRoles.Admin);
}
